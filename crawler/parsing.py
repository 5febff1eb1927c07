"""Page parsing: one response in, the page's fields and its kind out. A pure function of the response.

Nothing here depends on the site's CSS classes: content selectors come from
settings, and when none matches, the body is the block holding the most prose
that is neither navigation, nor a list of links, nor the site's boilerplate.
Which kind of page it is (article, listing or other) is decided in
``crawler.kind`` from signals read here.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url
from w3lib.encoding import html_body_declared_encoding

from .cleaning import is_boilerplate
from .items import PageContent
from .kind import ARTICLE, LISTING, OTHER, Evidence, Signal, decide
from .links import Item, analyse_links, inside_any
from .markup import BLOCK_TAGS, INLINE_TAGS, block_of, is_element, lines, own_texts, text_of
from .pagebar import PageBar, find_bar
from .site import absolute_url

__all__ = ["ARTICLE", "LISTING", "OTHER", "Extraction", "ParsedPage", "parse_page", "redecoded"]

_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote", "pre", "figcaption",
                             "caption", "address"})
_SENTENCE_MARKS = re.compile(r"[，。！？；、,!?;]")
_SENTENCE_END = re.compile(r"[。！？!?]")
_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_AUTHOR = re.compile(r"作\s*者\s*[:：/]\s*([^\s|:：]+)")
_BYLINE_WORDS = re.compile("作者|來源|来源|記者|记者|編輯|编辑|發布|發佈|发布|時間|时间|日期|稿源|通訊員|通讯员")
_READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
_TITLE_PARTS = re.compile(r"\s*[_|–—]\s*|\s+-\s+")
_SIBLING_SHARE = 0.3  # a sibling block with this share of the best block's prose is part of the body too
_BYLINE_MAX_CHARS = 160


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
            all_links=follow_all_links(settings),
            requisites=bool(settings.get("MIRROR_DIR")) and settings.getbool("MIRROR_REQUISITES"),
        )


@functools.lru_cache(maxsize=256)
def _css(selector: str) -> etree.XPath:
    return etree.XPath(HTMLTranslator().css_to_xpath(selector))


def select(response: TextResponse, selector: str) -> list:
    """The elements a CSS selector matches, as lxml elements (Scrapy's css() without its Selector objects)."""
    return _css(selector)(response.selector.root)


def follow_all_links(settings) -> bool:
    """FOLLOW_ALL_LINKS, which when unset is on in mirror mode (MIRROR_DIR)."""
    value = settings.get("FOLLOW_ALL_LINKS")
    return bool(settings.get("MIRROR_DIR")) if value is None else settings.getbool("FOLLOW_ALL_LINKS")


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
    all_links: list[str] = field(default_factory=list)  # every link, with FOLLOW_ALL_LINKS
    requisites: list[str] = field(default_factory=list)  # images and stylesheets, with MIRROR_REQUISITES


def redecoded(response: TextResponse) -> TextResponse:
    """The response decoded by its <meta> charset when the header's charset garbles it.

    Scrapy trusts the Content-Type header first; a server that says UTF-8 for a
    page written in GBK gives U+FFFD where every character should be.
    """
    if "\ufffd" not in response.text:
        return response
    declared = html_body_declared_encoding(response.body)
    if not declared or declared == response.encoding:
        return response
    try:
        response.body.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return response
    return response.replace(encoding=declared)


def _absolute(join: Callable[[str], str | None], hrefs: list[str]) -> list[str]:
    """Absolute http(s) URLs, without fragments, in order, once each."""
    urls = (join(h) for h in hrefs if h.strip())
    return list(dict.fromkeys(u for u in urls if u and u.startswith(("http://", "https://"))))


def _comparable(text: str) -> str:
    return re.sub(r"\s+", "", _READING.sub("", text))


def _site_name_cut(title: str) -> str:
    """The <title> without the site's name after its last separator (``文章_家鄉網``, ``文章 - 家鄉網``)."""
    parts = _TITLE_PARTS.split(title)
    return title[: title.rindex(parts[-1])].rstrip(" _|–—-") if len(parts) > 1 and len(parts[-1]) <= 15 else title


def _headline(title: str, body):
    """The h1/h2 that repeats the <title> (readings and the site's name aside), and the title without the name."""
    lead = _site_name_cut(title)
    want = _comparable(title)
    parts = {_comparable(part) for part in _TITLE_PARTS.split(title)}
    for tag in ("h1", "h2"):
        for el in body.iter(tag):
            have = _comparable(text_of(el))
            if have and want and (have in parts or want.startswith(have) or (len(have) >= 4 and have in want)):
                return el, lead
    return None, lead


def _title(response: TextResponse, extraction: Extraction, headline, lead: str) -> str:
    for selector in extraction.title_selectors:
        for el in select(response, selector):
            text = text_of(el)
            if text:
                return _site_name_cut(text) if selector == "title" else text
    if headline is not None:
        return text_of(headline)
    return lead or next((text_of(h) for h in response.selector.root.iter("h1") if text_of(h)), "")


@dataclass(frozen=True)
class _Text:
    owner: object
    text: str
    byline: bool  # a date or a signature, not prose
    marks: int  # sentence marks


class _Prose:
    """The page's prose: text outside links, navigation, lists of links, the page bar and boilerplate.

    Each text is scored by its length and its sentence marks, and the score
    goes to the block that holds its paragraph (fully) and to the block above
    that (half), as Readability does; the body is the best-scored block.
    """

    def __init__(self, body, texts: list[tuple[object, str]], excluded: set):
        excluded = excluded | set(body.iter("a"))  # link text is not prose
        self.scores: dict[object, float] = defaultdict(float)
        self.texts: list[_Text] = []
        memo: dict[object, bool] = {}
        leaf_memo: dict[object, bool] = {}
        self.images = [img for img in body.iter("img") if not inside_any(img, excluded, memo)]
        for owner, text in texts:
            text = text.strip()
            if not text or inside_any(owner, excluded, memo) or is_boilerplate(text):
                continue
            found = _Text(owner, text, _is_byline(text), len(_SENTENCE_MARKS.findall(text)))
            self.texts.append(found)
            block = owner
            while block.tag in INLINE_TAGS and block.getparent() is not None:
                block = block.getparent()
            score = len(text) + 3 * found.marks
            if found.byline:
                score /= 5  # a byline beside the text must not draw the body to itself
            if block.tag in _PARAGRAPH_TAGS or _single_paragraph(block, leaf_memo):
                holder = block.getparent() if block.getparent() is not None else block
            else:
                holder = block
            self.scores[holder] += score
            if holder.getparent() is not None:
                self.scores[holder.getparent()] += score / 2

    def within(self, blocks) -> list[_Text]:
        """The texts under any of ``blocks``, in page order."""
        memo: dict[object, bool] = {}
        roots = set(blocks)
        return [t for t in self.texts if inside_any(t.owner, roots, memo)]

    def first_sentence(self, block):
        """The element owning the first text under ``block`` that reads as a sentence of prose."""
        for t in self.within([block]):
            if _SENTENCE_END.search(t.text) or len(t.text) >= 80:
                return t.owner
        return None

    def pictures(self) -> list:
        """For a page without prose: the blocks holding its pictures (a gallery page)."""
        return list(dict.fromkeys(block_of(img) for img in self.images))

    def best(self) -> list:
        """The best-scored block and its siblings that hold a fair share of prose too, in page order."""
        if not self.scores:
            return []
        top = max(self.scores, key=lambda el: self.scores[el])
        parent = top.getparent()
        if parent is None:
            return [top]
        floor = self.scores[top] * _SIBLING_SHARE
        return [el for el in parent if el is top or (is_element(el) and self.scores.get(el, 0) >= floor)]


def _is_byline(text: str) -> bool:
    """A short dated or signed line that is not a sentence: the byline, not prose."""
    return (
        len(text) <= _BYLINE_MAX_CHARS
        and bool(_DATE.search(text) or _BYLINE_WORDS.search(text))
        and not (_SENTENCE_END.search(text) and len(text) > 60)
    )


def _single_paragraph(block, memo: dict) -> bool:
    """A block with no block inside it, not even a <br>: one paragraph, as a <p> is."""
    if block in memo:
        return memo[block]
    answer = block.tag not in ("body", "td", "th") and not any(
        is_element(d) and d.tag in BLOCK_TAGS for d in block.iterdescendants()
    )
    memo[block] = answer
    return answer


def _body(response: TextResponse, prose: _Prose, extraction: Extraction) -> tuple[list, str | None]:
    """The body's blocks, and the content selector that found them (None: found by prose)."""
    for selector in extraction.content_selectors:
        matches = [(sum(len(t.text) for t in prose.within([el])), el) for el in select(response, selector)]
        matches = [(chars, el) for chars, el in matches if chars > 0]
        if matches:
            return [max(matches, key=lambda m: m[0])[1]], selector
    return prose.best() or prose.pictures(), None


def _byline(response: TextResponse, prose: _Prose, blocks: list, headline, extraction: Extraction):
    """The element carrying date and author, and its text: INFO_SELECTORS, else the short dated or
    signed block near the headline or before the body's first sentence."""
    for selector in extraction.info_selectors:
        matches = select(response, selector)
        if matches:
            return matches[0], " ".join(text_of(m) for m in matches)
    candidates = []
    if headline is not None:
        candidates += [el for el in headline.itersiblings() if is_element(el)][:3]
        if headline.getparent() is not None:
            candidates += [el for el in headline.getparent().itersiblings() if is_element(el)][:2]
    if blocks:
        first = blocks[0]
        for holder in [first, *first.iterancestors()][:3]:  # a table layout puts the byline a row above
            candidates += [el for el in holder.itersiblings(preceding=True) if is_element(el)][:2]
        sentence = prose.first_sentence(first)
        holders = {sentence, *sentence.iterancestors()} if sentence is not None else set()
        for el in first.iterdescendants() if sentence is not None else ():
            if el is sentence:
                break  # a byline inside the body comes before its first sentence, never after
            if is_element(el) and el.tag in BLOCK_TAGS and el not in holders:
                candidates.append(el)
    body = {*blocks, *(a for b in blocks for a in b.iterancestors())}
    for el in candidates:
        text = text_of(el)
        if el not in body and text and _is_byline(text):
            return el, text
    return None, ""


def _published(text: str) -> str | None:
    match = _DATE.search(text)
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
    ld_types: set[str] = field(default_factory=set)
    canonical: str | None = None


def _head(root) -> _Head:
    head = _Head()
    for el in root.iter("title", "meta", "link", "script"):
        if el.tag == "title" and not head.title:
            head.title = text_of(el)
        elif el.tag == "meta":
            name = (el.get("property") or "").lower()
            if name == "og:type":
                head.og_type = (el.get("content") or "").strip().lower()
            elif name.startswith("article:"):
                head.og_type = head.og_type or "article"
        elif el.tag == "link" and (el.get("rel") or "").lower() == "canonical" and head.canonical is None:
            head.canonical = el.get("href")
        elif el.tag == "script" and el.get("type") == "application/ld+json":
            head.ld_types |= _ld_types(el.text or "")
    return head


def _ld_types(script: str) -> set[str]:
    """The @types in one JSON-LD script, @graph included."""
    try:
        stack = [json.loads(script)]
    except ValueError:
        return set()
    types: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            kind = node.get("@type")
            types.update(kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else [])
            stack.extend(node.get("@graph", []) if isinstance(node.get("@graph"), list) else [])
    return types


def parse_page(response: TextResponse, extraction: Extraction) -> ParsedPage:
    """Turn one response into page fields, and decide what kind of page it is."""
    response = redecoded(response)
    root = response.selector.root
    body = next(root.iter("body"), root)
    head = _head(root)
    join = functools.partial(absolute_url, get_base_url(response))
    texts = own_texts(body)
    bar_root, bar = find_bar(texts, response.url, join)
    selected = None
    if extraction.article_link_selector:
        selected = {a for el in select(response, extraction.article_link_selector) for a in el.iter("a")}
    links = analyse_links(body, texts, response.url, join, bar_root, selected)
    headline, lead = _headline(head.title, body)
    excluded = {*links.nav_roots, *links.item_rows, *([bar_root] if bar_root is not None else []),
                *([headline] if headline is not None else [])}
    prose = _Prose(body, texts, excluded)
    blocks, selector = _body(response, prose, extraction)
    byline, info = _byline(response, prose, blocks, headline, extraction)
    images = _absolute(join, [img.get("src") or "" for b in blocks for img in b.iter("img")])
    body_texts = prose.within(blocks)
    canonical = join(head.canonical) if head.canonical and head.canonical.strip() else None
    title = _title(response, extraction, headline, lead)
    evidence = Evidence(
        url=response.url,
        title=_READING.sub("", title),
        og_type=head.og_type,
        ld_types=frozenset(head.ld_types),
        headline=headline is not None,
        byline_date=bool(_DATE.search(info)),
        bar=bar is not None,
        listing_bar=bar_root is not None and any(
            bar_root.getparent() is not None and bar_root.getparent() in [r, *r.iterancestors()]
            for r in links.item_rows
        ),
        prose_chars=sum(len(t.text) for t in body_texts if not t.byline),
        text_chars=sum(len(t.text) for t in body_texts),
        sentences=sum(t.marks for t in body_texts),
        images=len(images),
        items=len(links.items),
        dated_items=sum(i.dated for i in links.items),
        item_chars=sum(len(i.title) * (1 if i.dated or i.intro else 0.5) for i in links.items),
        content_selector=selector,
    )
    kind, signals = decide(evidence, extraction.article_url_pattern, extraction.listing_url_pattern)
    page = ParsedPage(
        url=response.url, kind=kind, signals=signals, content=PageContent(title), bar=bar,
        canonical=canonical if canonical and canonical != response.url else None,
        items=links.items, skipped_links=links.skipped,
    )
    if extraction.all_links:
        page.all_links = _absolute(join, response.xpath("//a/@href").getall())
    if extraction.requisites:
        page.requisites = _absolute(
            join, response.xpath("//img/@src | //link[contains(@rel, 'stylesheet')]/@href").getall()
        )
    if kind != ARTICLE:
        return page
    # Menus, side boxes and link lists inside the body are not the article either.
    skip = {el for el in (bar_root, headline, byline) if el is not None} | links.nav_roots | set(links.item_rows)
    author = _AUTHOR.search(info)
    page.content = PageContent(
        title=title,
        paragraphs=[line for b in blocks for line in lines(b, skip=skip - {b})],
        images=images,
        author=author.group(1) if author else None,
        published=_published(info),
    )
    return page

