"""Which links of a page lead to articles: the items of its repeated lists, never its navigation.

A pure function of the page's tree. An *item* is a link that is the whole of
its line (a title, maybe with a date, a label or an intro beside it) and
either repeats with others of the same shape (a list of two or more) or
carries a date or a picture of its own; links in navigation
(``crawler.page.navigation``) are none. Every link is either an item or skipped
with a reason, so a crawl can count what it did not follow.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.page.markup import BLOCK_TAGS, SKIP_TAGS, block_of, is_element, normalize, text_of, under
from crawler.page.navigation import HEADING_TAGS, nav_roots

ROW_TAGS = frozenset({"li", "tr", "td", "dd", "dt", "article"})
_DIGIT = re.compile(r"\d")
# The site's home page: every page links it, as navigation.
_HOME = re.compile(r"^https?://[^/?#]+(?:/(?:index|default)\.[a-z]+|/)?$", re.IGNORECASE)
_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg|ico|pdf|docx?|xlsx?|pptx?|zip|rar|7z|gz|mp3|mp4|avi|wmv|flv|swf|apk|exe)$", re.IGNORECASE)
DATE = re.compile(
    r"(?:\d{4}\s*[-/年.]\s*)?\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}"
)
# What may stand beside a title on its line: labels, counts, brackets, separators.
_DECORATION = re.compile(r"[\s\d\W_]+")
MAX_BESIDE = 8  # characters of other text a title's line may hold and still be an item
MIN_INTRO = 20  # characters of text in an item's row, besides its links and dates, that make an intro
MAIN_LIST_LINKS = 5  # a page's main list has this many links or more, of MAIN_LIST_TITLE characters on average
MAIN_LIST_TITLE = 6
MENU_MIN_LINKS = 4  # a menu has this many links or more, each named in at most MENU_MAX_NAME characters
MENU_MAX_NAME = 4
SECTION_MAX_NAME = 8  # a section's name, in a menu of links to sections' index pages
_SECTION = re.compile(r"/(?:(?:index|default)\.\w+)?$", re.IGNORECASE)  # a section's index page: /news/, /news/index.htm
MAX_ROW = 400  # a row longer than this is running text with a link in it, not a list's row
# 上一篇/下一篇: the articles before and after this one, never an item of this page's list.
_NEIGHBOUR = re.compile(r"^\W*(?:上一?篇|下一?篇|前一篇|後一篇|后一篇|上一條|上一条|下一條|下一条)")

NAVIGATION = "navigation"
RUNNING_TEXT = "in running text"
LONE = "not in a list"
REPEATED = "category or tag"
FILE = "a file, not a page"
NOT_WEB = "not a web page"
SELF = "this page"
NEIGHBOUR = "previous or next article"
BAR_PAGE = "a page of this page's chain"
NOT_SELECTED = "not matched by ARTICLE_LINK_SELECTOR"


@dataclass(frozen=True)
class Item:
    """A link to an article, as a list shows it."""

    url: str
    title: str
    dated: bool = False
    intro: bool = False
    date: str | None = None  # as the row shows it (2024-03-05, 03-05…)


@dataclass
class PageLinks:
    """What the links of one page are."""

    items: list[Item] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    item_rows: list[object] = field(default_factory=list)  # elements holding the items, with their dates and intros
    row_of: dict[str, object] = field(default_factory=dict)  # an item's URL -> the row it was found in
    headed: set[str] = field(default_factory=set)  # items linked from a heading (a post's title on a blog's index)
    nav_roots: set[object] = field(default_factory=set)


def _block_lines(block) -> tuple[list[str], dict[object, int]]:
    """A block's own lines (its text between <br>s and nested blocks), and the line each link is on."""
    segments: list[list[str]] = [[]]
    where: dict[object, int] = {}
    _block_walk(block, segments, where)
    return [normalize("".join(segment)) for segment in segments], where


def _block_walk(el, segments: list[list[str]], where: dict[object, int]) -> None:
    # A function of the module, not a closure calling itself: that is a cycle, which held the page's tree.
    if el.tag == "a":
        where[el] = len(segments) - 1
    if el.text:
        segments[-1].append(el.text)
    for child in el:
        if not is_element(child) or child.tag in SKIP_TAGS:
            pass
        elif child.tag in BLOCK_TAGS:
            segments.append([])  # a nested block (or <br>) ends the line
        else:
            _block_walk(child, segments, where)
        if child.tail:
            segments[-1].append(child.tail)


def _signature(anchor, body) -> tuple:
    """The anchor's place by shape: tag and class of it and each ancestor up to the body.

    A row's class (``li.odd``, ``article.post-304 category-life``) and class
    words with digits vary from row to row of one list: they are left out.
    """
    path = []
    for el in [anchor, *anchor.iterancestors()]:
        if el is body:
            break
        if el.tag in ROW_TAGS:
            path.append(el.tag)
        else:
            path.append((el.tag, " ".join(w for w in (el.get("class") or "").split() if not _DIGIT.search(w))))
    return tuple(path)


def _common_ancestor(elements: list):
    chains = [[e, *e.iterancestors()] for e in elements]
    common = set(chains[0]).intersection(*map(set, chains[1:]))
    return next(e for e in chains[0] if e in common)


def _row(anchor, container):
    """The child of ``container`` that holds ``anchor`` (the list's row), or the anchor's block."""
    row = anchor
    while row.getparent() is not None and row.getparent() is not container:
        row = row.getparent()
    return row if row.getparent() is container and row is not anchor else anchor.getparent()


def analyse_links(
    body, texts: list[tuple[object, str]], page_url: str, urljoin: Callable[[str], str | None], bar_root=None,
    selected=None, main=(), bar_urls=frozenset(),
) -> PageLinks:
    """Sort every link of the page into article items and skipped links (with reasons).

    ``texts`` are the page's (owner, text) pairs, from ``markup.own_texts``.
    ``selected`` (the anchors ARTICLE_LINK_SELECTOR matched) replaces the
    search for lists when the user set it. ``main``: the blocks of the page's
    main text (see ``nav_roots``); ``bar_urls``: the pages its page bar links,
    which are pages of its own chain wherever else they are linked.
    """
    report = PageLinks()
    found: dict[str, Item] = {}
    candidates = []  # (anchor, url) of links to other pages of the web
    # What is inside a script, a form's control… and the page bar: one walk of each, not one of every link's
    # ancestors (every element above the body is above every link, so it is asked once).
    skipped = under(body.iter(*SKIP_TAGS))
    if any(a.tag in SKIP_TAGS for a in body.iterancestors()):
        skipped |= under([body])
    in_bar = under([bar_root]) if bar_root is not None else set()
    for anchor in body.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#") or anchor in skipped:
            continue
        if anchor in in_bar:
            continue  # the page bar is read on its own
        url = urljoin(href)
        reason = _not_an_article(url, page_url) if url else NOT_WEB
        if not reason and url in bar_urls:
            reason = BAR_PAGE
        if reason:
            report.skipped.append((url or href, reason))
        elif selected is None:
            candidates.append((anchor, url))
        elif anchor in selected:
            found.setdefault(url, Item(url, _title(anchor)))
        else:
            report.skipped.append((url, NOT_SELECTED))
    titles = {anchor: text_of(anchor) for anchor, _ in candidates}
    groups: dict[tuple, list] = defaultdict(list)  # links by their place's shape: a list's links share it
    for anchor, url in candidates:
        groups[_signature(anchor, body)].append((anchor, url))
    report.nav_roots = nav_roots(body, texts, main, _main_list(groups, titles))
    if selected is None:
        _list_items(groups, titles, report, found)
    # A picture's item takes its title from a caption linking the same article.
    captions = {url: _title(anchor) for anchor, url in reversed(candidates) if titles[anchor]}
    report.items = [item if item.title else Item(item.url, captions.get(item.url, ""), item.dated, item.intro, item.date)
                    for item in found.values()]
    # Each link once, with the first reason it was skipped for.
    skipped: dict[str, str] = {}
    for url, reason in report.skipped:
        if url not in found:
            skipped.setdefault(url, reason)
    report.skipped = list(skipped.items())
    return report


def _not_an_article(url: str, page_url: str) -> str | None:
    """Why a link cannot lead to an article whatever list it is in, if it cannot."""
    if not url.startswith(("http://", "https://")):
        return NOT_WEB
    if _FILE.search(url.split("?")[0]):
        return FILE
    if url == page_url:
        return SELF
    if _HOME.match(url):
        return NAVIGATION
    return None


def _main_list(groups: dict[tuple, list], titles: dict) -> object | None:
    """The container of the page's main list: the group of links with the most title text, among
    those of MAIN_LIST_LINKS links or more whose titles are not a menu's names."""
    best, best_chars = None, 0
    for members in groups.values():
        urls = {url for _, url in members}
        chars = sum(len(titles[anchor]) for anchor, _ in members)
        if len(urls) >= MAIN_LIST_LINKS and chars >= MAIN_LIST_TITLE * len(members) and chars > best_chars:
            best, best_chars = members, chars
    return _common_ancestor([anchor for anchor, _ in best]) if best else None


def _list_items(groups: dict[tuple, list], texts: dict, report: PageLinks, found: dict[str, Item]) -> None:
    """The links that are items of lists, into ``found``; the others into ``report.skipped``.

    ``groups``: the page's candidate links by the shape of their place; ``texts``: each anchor's text.
    """
    nav = under(report.nav_roots)
    blocks: dict[object, tuple[list[str], dict[object, int]]] = {}

    def line_of(anchor) -> str:
        block = block_of(anchor)
        if block not in blocks:
            blocks[block] = _block_lines(block)
        lines, where = blocks[block]
        return lines[where[anchor]] if anchor in where else ""

    kept_groups: dict[tuple, list] = defaultdict(list)
    for signature, members in groups.items():
        for anchor, url in members:
            beside = _DECORATION.sub("", DATE.sub("", line_of(anchor).replace(texts[anchor], "", 1)))
            if anchor in nav:
                report.skipped.append((url, NAVIGATION))
            elif _NEIGHBOUR.match(line_of(anchor)):
                report.skipped.append((url, NEIGHBOUR))
                report.nav_roots.add(block_of(anchor))  # a way to other articles: not the body's text
            elif len(beside) > MAX_BESIDE:
                report.skipped.append((url, RUNNING_TEXT))
            else:
                kept_groups[signature].append((anchor, url))
    groups = kept_groups
    for members in groups.values():
        urls = {url for _, url in members}
        container = _common_ancestor([a for a, _ in members]) if len(urls) > 1 else None
        rows: dict[object, list] = defaultdict(list)
        for anchor, url in members:
            rows[_row(anchor, container) if container is not None else block_of(anchor)].append((anchor, url))
        if _menu(members, rows, texts):
            report.skipped += [(url, NAVIGATION) for _, url in members]
            continue
        # A link in several rows beside each row's own link is a category or tag, not an article.
        in_rows: dict[str, int] = defaultdict(int)
        for row_members in rows.values():
            for url in {u for _, u in row_members}:
                in_rows[url] += 1
        for row, row_members in rows.items():
            row_text = text_of(row)
            if len(row_text) > MAX_ROW:
                # Not a list's row but a block of text around a link: only the link's own line counts.
                row, row_text = None, line_of(row_members[0][0])
            rest = row_text
            for anchor, _ in row_members:
                rest = rest.replace(texts[anchor], "", 1)
            date = DATE.search(row_text)
            intro = len(_DECORATION.sub("", DATE.sub("", rest))) >= MIN_INTRO
            for anchor, url in row_members:
                picture = not texts[anchor] and anchor.find(".//img") is not None
                if in_rows[url] > 1 and len({u for _, u in row_members}) > 1:
                    report.skipped.append((url, REPEATED))
                elif len(urls) > 1 or date or picture or intro:
                    title = _title(anchor)
                    previous = found.get(url)
                    if previous is None or (not previous.title and title):
                        found[url] = Item(url, title, bool(date), intro, date.group() if date else None)
                        report.row_of[url] = row if row is not None else anchor
                        if any(a.tag in HEADING_TAGS for a in anchor.iterancestors()):
                            report.headed.add(url)
                    report.item_rows.append(row if row is not None else anchor)
                else:
                    report.skipped.append((url, LONE))


def _menu(members: list, rows: dict, texts: dict) -> bool:
    """A menu: several links with short names (新聞, 財經, Sport), no dates and no intros; or with names a little
    longer (新华社看河北), when every one leads to a section's index page (``/society/index.htm``, ``/news/``)."""
    if len({url for _, url in members}) < MENU_MIN_LINKS:
        return False
    if any(not texts[anchor] or len(texts[anchor]) > MENU_MAX_NAME for anchor, _ in members) and not all(
            len(texts[anchor]) <= SECTION_MAX_NAME and _section(url) for anchor, url in members):
        return False
    return not any(DATE.search(text_of(row)) for row in rows)


def _section(url: str) -> bool:
    """Whether a URL is a section's index page: a folder or its index file, no query (``/?p=12`` is a post)."""
    parts = urlsplit(url)
    return not parts.query and bool(_SECTION.search(parts.path))


def _title(anchor) -> str:
    text = text_of(anchor)
    if text:
        return text
    image = next(anchor.iter("img"), None)
    return normalize(image.get("alt") or image.get("title") or "") if image is not None else ""
