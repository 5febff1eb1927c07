"""Page parsing: one response in, the page's fields and its kind out. A pure function of the response.

Nothing here depends on the site's CSS classes: content selectors come from
settings, and when none matches, the body is the block holding the most prose
that is neither navigation, nor a list of links, nor the site's boilerplate.
Which kind of page it is (article, listing or other) is decided in
``crawler.page.kind`` from signals read here.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from crawler.items import PageContent
from crawler.page.body import DATE, LEAD_CHARS, SENTENCE_END, Prose, find_body, find_byline
from crawler.page.cuts import CLAUSE_MARK, boxes, players, popups, teasers, toolbars, trim_edges
from crawler.page.decoding import not_a_page, redecoded
from crawler.page.kind import (
    ARTICLE,
    LISTING,
    MIN_POSTS,
    OTHER,
    Evidence,
    Signal,
    decide,
    home_page,
    item_weight,
    says_article,
    side_boxes,
)
from crawler.page.links import Item, analyse_links
from crawler.page.markup import (
    block_of,
    is_element,
    lines,
    normalize,
    own_texts,
    select,
    string_of,
    text_of,
    tokens,
    under,
    visible_tree,
)
from crawler.page.navigation import not_main
from crawler.page.pagebar import PageBar, find_bar
from crawler.page.title import HEADING_TAGS, headline_text, own_part, plain
from crawler.page.title import headline as find_headline
from crawler.site import absolute_url
from crawler.text.cleaning import boilerplate_counts

__all__ = ["ARTICLE", "LISTING", "OTHER", "Extraction", "ParsedPage", "not_a_page", "parse_page", "redecoded"]

_AUTHOR = re.compile(r"作\s*者\s*[:：/]\s*(?!\d)([^\s|:：]+)")  # a name, never the date after an empty field
_ITEMTYPES = etree.XPath("//@itemtype")


@dataclass(frozen=True)
class Extraction:
    """Where to look on a page; built from the settings of the same names."""

    content_selectors: tuple[str, ...] = ()
    title_selectors: tuple[str, ...] = ()
    info_selectors: tuple[str, ...] = ()
    article_link_selector: str = ""
    article_url_pattern: str = ""
    listing_url_pattern: str = ""
    # Also every link of the page (FOLLOW_ALL_LINKS), and its images and stylesheets (MIRROR_REQUISITES).
    all_links: bool = False
    requisites: bool = False

    @classmethod
    def from_settings(cls, settings) -> Extraction:
        return cls(
            content_selectors=tuple(settings.getlist("CONTENT_SELECTORS")),
            title_selectors=tuple(settings.getlist("TITLE_SELECTORS")),
            info_selectors=tuple(settings.getlist("INFO_SELECTORS")),
            article_link_selector=settings.get("ARTICLE_LINK_SELECTOR") or "",
            article_url_pattern=settings.get("ARTICLE_URL_PATTERN") or "",
            listing_url_pattern=settings.get("LISTING_URL_PATTERN") or "",
            all_links=settings.getbool("FOLLOW_ALL_LINKS"),
            requisites=settings.getbool("MIRROR_REQUISITES"),
        )


@dataclass
class ParsedPage:
    """One page as the parser read it. ``kind`` and ``signals`` say what it is and why."""

    url: str
    kind: str
    signals: list[Signal] = field(default_factory=list)
    content: PageContent = field(default_factory=PageContent)  # title for every kind; the rest for articles
    bar: PageBar | None = None
    canonical: str | None = None  # <link rel="canonical">, absolute, when it names another URL
    items: list[Item] = field(default_factory=list)  # article links of the page's lists
    skipped_links: list[tuple[str, str]] = field(default_factory=list)  # (url, why it is not an article link)
    cut: dict[str, int] = field(default_factory=dict)  # what was taken out of the body: lines or blocks, by kind
    prose_chars: int = 0  # characters of prose in the body (bylines and lists aside), whatever the kind
    all_links: list[str] = field(default_factory=list)  # every link, with FOLLOW_ALL_LINKS
    requisites: list[str] = field(default_factory=list)  # images and stylesheets, with MIRROR_REQUISITES


def _absolute(join: Callable[[str], str | None], hrefs: list[str]) -> list[str]:
    """Absolute http(s) URLs, without fragments, in order, once each."""
    urls = (join(h) for h in hrefs if h.strip())
    return list(dict.fromkeys(u for u in urls if u and u.startswith(("http://", "https://"))))


def _title(root, extraction: Extraction, headline, head_title: str) -> str:
    """TITLE_SELECTORS' first text, else the headline's, else the page's own part of its <title>."""
    for selector in extraction.title_selectors:
        for el in select(root, selector):
            text = text_of(el)
            if text:
                return own_part(text) if selector == "title" else text
    if headline is not None:
        return headline_text(headline, head_title)
    return own_part(head_title) if head_title else next((text_of(h) for h in root.iter("h1") if text_of(h)), "")


def _published(text: str) -> str | None:
    match = DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is None:
        return date
    return f"{date}T{int(hour):02d}:{minute}" + (f":{second}" if second else "")


@dataclass
class _Head:
    """What the page says of itself in its <head> (and JSON-LD anywhere)."""

    title: str = ""
    og_type: str = ""
    description: str = ""  # the page's own summary (description, og:description): most often its lead
    ld_types: set[str] = field(default_factory=set)
    canonical: str | None = None
    authors: set[str] = field(default_factory=set)  # the names it gives its author (meta author, JSON-LD)


def _head(root) -> _Head:
    head = _Head()
    for el in root.iter("title", "meta", "link", "script"):
        if el.tag == "title" and not head.title:
            head.title = text_of(el)
        elif el.tag == "meta":
            name = (el.get("property") or el.get("name") or "").lower()
            if name in ("description", "og:description") and not head.description:
                head.description = el.get("content") or ""
            if name in ("author", "article:author") and "/" not in (el.get("content") or "/"):
                head.authors.add(normalize(el.get("content")))
            if name == "og:type":
                head.og_type = (el.get("content") or "").strip().lower()
            elif name.startswith("article:"):
                head.og_type = head.og_type or "article"
        elif el.tag == "link" and (el.get("rel") or "").lower() == "canonical" and head.canonical is None:
            head.canonical = el.get("href")
        elif el.tag == "script" and el.get("type") == "application/ld+json":
            types, authors = _json_ld(el.text or "")
            head.ld_types |= types
            head.authors |= authors
    # schema.org microdata: itemtype="https://schema.org/NewsArticle"
    head.ld_types |= {t.rstrip("/").rsplit("/", 1)[-1] for value in _ITEMTYPES(root) for t in value.split()}
    return head


def _json_ld(script: str) -> tuple[set[str], set[str]]:
    """The @types in one JSON-LD script, @graph included, and its authors' names."""
    try:
        stack = [json.loads(script)]
    except ValueError:
        return set(), set()
    types: set[str] = set()
    authors: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("@type")
            types.update(kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else [])
            stack.extend(node.get("@graph", []) if isinstance(node.get("@graph"), list) else [])
            author = node.get("author")
            for person in author if isinstance(author, list) else [author]:
                name = person.get("name") if isinstance(person, dict) else None
                if isinstance(name, str) and name.strip():
                    authors.add(normalize(name))
    return types, authors


# Short blocks inside the body that their class (or id) marks, at an edge of the text, as not the text: a photo's
# caption and credit (wp-caption-text, picinfo, fig-media-legende, and any figure), an author's line (p.author,
# span.submitted-by, div.byline, p.bloc_signature, and microdata's itemprop="author"), a standfirst (p.fig-chapo, h2.c-content-head__subtitle, p.bajada, ul.abstract;
# never "lead", the class many sites give their first paragraph). Each: its words, and the most characters a
# block may hold to be one: a block so classed holding more holds the text, or is a container.
_MARKS = {
    "caption": (frozenset({"caption", "picinfo", "legend", "legende", "credit"}), 300),
    "signed": (frozenset({"author", "byline", "submitted", "dateline", "writer", "reporter", "signature"}), 160),
    "standfirst": (frozenset({"chapo", "standfirst", "dek", "deck", "abstract", "bajada", "summary", "subtitle",
                              "subhead", "subheadline", "excerpt", "sapo", "strapline", "teaser", "intro"}), 600),
}
_FIGURE_TAGS = ("figure", "figcaption")
_ANY_HEADING = frozenset(HEADING_TAGS)  # h1 to h6 (navigation's HEADING_TAGS are the box headings' levels)
_ENDED = re.compile(r"[。！？.!?]$")  # a sentence's end, ending a text
_HEADING_MAX_CHARS = 120  # a heading after the text, at most, to head none of it (a pull quote, a box's heading)
_DATELINE_REST_CHARS = 100  # a dateline's words beside its <time>s: 'aktualisiert', 'Quelle: …', 'Par …'
_ITALIC = frozenset({"i", "em"})
_NOTE_MAX_CHARS = 200


def _marked_lines(blocks: list, skip: set) -> dict[str, frozenset[str]]:
    """The lines (white space normalized) of the body's short blocks marked as each kind of ``_MARKS``, and of
    its short headings (``heading``), its paragraphs wholly in italics (``note``) and its datelines: blocks of
    a machine-read date, ``<time datetime>``, and a few words beside it, no sentence (``dateline``); as the
    body reads them, ``skip`` left out."""
    found: dict[str, set[str]] = {kind: set() for kind in [*_MARKS, "heading", "note", "dateline"]}
    texts: dict[object, str] = {}  # a block's text, once: many italics may stand in one
    dated: set[object] = set()  # the blocks of <time>s looked at already
    for block in blocks:
        for el in block.iterdescendants():
            tag = el.tag
            if tag in _ANY_HEADING:
                found["heading"].update(normalize(line) for line in lines(el, skip) if len(line) <= _HEADING_MAX_CHARS)
            elif tag in _ITALIC and (text := text_of(el)) and len(text) <= _NOTE_MAX_CHARS:
                holder = block_of(el)  # a paragraph wholly in italics: an author's or an editor's note
                if holder not in texts:
                    texts[holder] = text_of(holder)
                if texts[holder] == text:
                    found["note"].update(normalize(line) for line in lines(holder, skip))
            elif tag == "time" and el.get("datetime") and (holder := block_of(el)) not in dated:
                dated.add(holder)  # 23. März 2017, aktualisiert 23. März 2017, 15:43 Uhr | Quelle: …
                text = text_of(holder)
                dates = sum(len(text_of(t)) for t in holder.iter("time"))
                if len(text) - dates <= _DATELINE_REST_CHARS and not _ENDED.search(text):
                    found["dateline"].update(normalize(line) for line in lines(holder, skip))
            if not isinstance(tag, str) or not (tag in _FIGURE_TAGS or el.get("class") or el.get("itemprop")):
                continue
            words = {"caption"} if tag in _FIGURE_TAGS else set(tokens(el))
            if el.get("itemprop") == "author":  # schema.org's microdata
                words.add("author")
            for kind, (marks, most) in _MARKS.items():
                if not marks.isdisjoint(words) and len(normalize(string_of(el))) <= most:
                    found[kind].update(normalize(line) for line in lines(el, skip))
    return {kind: frozenset(found_lines) for kind, found_lines in found.items()}


_KICKER_CHARS = 60  # what stands above a headline, at most, to be its kicker


def _above(headline, blocks: list) -> list:
    """What stands above the headline inside the body, when it is no more than a kicker (``引题``, a column's
    name: 60 characters, no sentence): the headline's, not the article's."""
    if headline is None or not any(b in headline.iterancestors() for b in blocks):
        return []
    above, el = {}, headline
    while el not in blocks:
        above |= {sib: text for sib in el.itersiblings(preceding=True) if is_element(sib) and (text := text_of(sib))}
        el = el.getparent()
    text = "".join(above.values())
    return list(above) if len(text) <= _KICKER_CHARS and not SENTENCE_END.search(text) else []


def _decks(headline) -> list:
    """The headings of sentences right under the headline (``h1`` then an ``h2`` summing the story up): its
    decks, a standfirst, not the text. A heading of no sentence mark (``一、基本情況``) heads the text."""
    decks = []
    for el in headline.itersiblings() if headline is not None else ():
        if not is_element(el):
            continue
        if el.tag not in _ANY_HEADING or len(text := text_of(el)) > _MARKS["standfirst"][1] or not (
                CLAUSE_MARK.search(text)):
            break
        decks.append(el)
    return decks


def _summary(head: _Head) -> str:
    """The page's own summary, unless it only repeats the <title> (then it says nothing of the lead)."""
    opening = "".join(head.description.split())[:LEAD_CHARS]
    return "" if opening in "".join(head.title.split()) else head.description


def parse_page(response: TextResponse, extraction: Extraction) -> ParsedPage:
    """Turn one response into page fields, and decide what kind of page it is."""
    response = redecoded(response)
    root = visible_tree(response.text)
    body = next(root.iter("body"), root)
    head = _head(root)
    join = functools.partial(absolute_url, get_base_url(response))
    texts = own_texts(body)
    bar_root, bar = find_bar(texts, response.url, join)
    # The main text first: nothing that holds it, nor anything in it, is navigation by a word.
    never = not_main(body, texts)
    summary = _summary(head)
    first = Prose(body, texts, {*never, *([bar_root] if bar_root is not None else [])}, summary=summary)
    main = first.best()
    selected = None
    if extraction.article_link_selector:
        selected = {a for el in select(root, extraction.article_link_selector) for a in el.iter("a")}
    links = analyse_links(body, texts, response.url, join, bar_root, selected, main,
                          frozenset(bar.urls()) if bar else frozenset())
    headline = find_headline(head.title, body, main[0] if main else None, under(links.nav_roots))
    excluded = {*never, *links.nav_roots, *links.item_rows, *([bar_root] if bar_root is not None else []),
                *([headline] if headline is not None else [])}
    prose = Prose(body, texts, excluded, like=first)
    blocks, selector = find_body(root, prose, extraction.content_selectors)
    byline, info = find_byline(root, prose, blocks, headline, extraction.info_selectors)
    images = _absolute(join, [img.get("src") or "" for b in blocks for img in b.iter("img")])
    body_texts = prose.within(blocks)
    canonical = join(head.canonical) if head.canonical and head.canonical.strip() else None
    title = _title(root, extraction, headline, head.title)
    prose_chars = sum(len(t.text) for t in body_texts if not t.byline)
    # Lists are beside the text when outside its best block, even inside a content selector's larger match.
    best = prose.best()
    inside = under(best or blocks)
    beside = [i for i in links.items if links.row_of.get(i.url) not in inside]
    # A blog's index: the main text's block repeats, post after post, each under a heading linking the post
    # (unless the metadata says this is one article, with a stream of teasers beside it).
    metadata = says_article(head.og_type, head.ld_types)
    posts = 1 + prose.repeats(best[0]) if best and len(links.headed) >= MIN_POSTS and not metadata else 0
    # Side boxes, never on a blog's index nor on the site's home page (its lists are its own, whatever its
    # metadata says).
    side = beside if posts < MIN_POSTS and not home_page(response.url) and side_boxes(
        prose_chars, item_weight(beside), metadata, headline is not None,
        bool(DATE.search(info))) else []
    side_boxed = set(side)
    counted = [i for i in links.items if i not in side_boxed]
    evidence = Evidence(
        url=response.url,
        title=plain(title),
        og_type=head.og_type,
        ld_types=frozenset(head.ld_types),
        headline=headline is not None,
        byline_date=bool(DATE.search(info)),
        bar=bar is not None,
        listing_bar=bar_root is not None and any(
            bar_root.getparent() is not None and bar_root.getparent() in [r, *r.iterancestors()]
            for r in links.item_rows
        ),
        prose_chars=prose_chars,
        text_chars=sum(len(t.text) for t in body_texts),
        sentences=sum(t.marks for t in body_texts),
        images=len(images),
        items=len(counted),
        side_items=len(side),
        posts=posts if posts >= MIN_POSTS else 0,
        dated_items=sum(i.dated for i in counted),
        item_chars=item_weight(counted),
        content_selector=selector,
    )
    kind, signals = decide(evidence, extraction.article_url_pattern, extraction.listing_url_pattern)
    page = ParsedPage(
        url=response.url, kind=kind, signals=signals, content=PageContent(title), bar=bar,
        canonical=canonical if canonical and canonical != response.url else None,
        items=links.items, skipped_links=links.skipped, prose_chars=prose_chars,
    )
    if extraction.all_links:
        page.all_links = _absolute(join, response.xpath("//a/@href").getall())
    if extraction.requisites:
        page.requisites = _absolute(
            join, response.xpath("//img/@src | //link[contains(@rel, 'stylesheet')]/@href").getall()
        )
    if kind != ARTICLE:
        return page
    # Menus, side boxes and link lists inside the body are not the article either: counted as cut.
    within = under(blocks)
    parts = {"page bar": [bar_root], "headline": [headline, *_above(headline, blocks)], "byline": [byline],
             "navigation": boxes([el for el in links.nav_roots if el in within], blocks),
             "link list": boxes([el for el in links.item_rows if el in within], blocks), "player": players(blocks),
             "teaser": teasers(blocks, headline), "popup": popups(blocks)}
    skip = {el for els in parts.values() for el in els if el is not None}
    cut = {name: n for name, els in parts.items() if (n := sum(1 for el in els if el is not None and el in within))}
    # A page break inside the article is no edge of it: the text may go on across it in mid-sentence.
    later = bool(bar and (bar.prev_url or (bar.current or 1) > 1))
    linked = frozenset(text for b in blocks for a in b.iter("a") if (text := normalize(a.text_content())))
    marked = _marked_lines(blocks, skip)
    marked["signed"] |= head.authors
    marked["standfirst"] |= {normalize(line) for deck in _decks(headline) for line in lines(deck, skip)}
    marked["tools"] = frozenset(normalize(line) for box in toolbars(blocks) for line in lines(box, skip))
    paragraphs, trimmed = trim_edges([line for b in blocks for line in lines(b, skip=skip - {b})],
                                     start=not later, end=not (bar and bar.next_url), linked=linked, title=title,
                                     marked=marked, summary=summary)
    for name, n in trimmed.items():
        cut[name] = cut.get(name, 0) + n
    page.cut = cut
    author = _AUTHOR.search(info)
    page.content = PageContent(
        title=title,
        paragraphs=paragraphs,
        images=images,
        author=author.group(1) if author else None,
        published=_published(info),
        boilerplate=boilerplate_counts("".join(text for _, text in texts)),
    )
    return page
