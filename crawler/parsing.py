"""Page parsing: one response in, the page's fields out. A pure function of the response.

Nothing here depends on the site's CSS classes: content selectors come from
settings, and when none matches, the block holding the most non-link text is
taken as the body. The page bar is found by its words (上一頁/下一頁, Simplified
上一页/下一页) and its numbers (``[n]`` or bare ``n``), wherever it sits.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding
from w3lib.url import canonicalize_url as _canonicalize_url

from .cleaning import NEXT_WORDS, PREV_WORDS

ARTICLE = "article"
LISTING = "listing"

_SKIP_TAGS = {"script", "style", "noscript", "iframe", "select", "option", "button", "textarea", "template"}
_INLINE_TAGS = {"a", "b", "strong", "i", "em", "u", "span", "font", "small", "big", "sub", "sup", "label", "p"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "tr", "td", "th", "section", "article", "blockquote", "center", "pre", "hr", "header", "footer",
    "form", "main", "aside", "nav", "figure", "figcaption", "address",
}
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_BAR_WORDS = PREV_WORDS + NEXT_WORDS
_FIRST = re.compile(r"^(?:首[頁页]|第一[頁页])$")
_NUMBER = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
_TOTAL = re.compile(r"共\s*(\d{1,4})\s*[頁页]")
_LABEL_DECORATION = "<>«»‹›【】·| "
_BAR_NOISE = re.compile(
    "|".join(_BAR_WORDS) + r"|首[頁页]|尾[頁页]|末[頁页]|共\s*\d+\s*[頁页]|\[?\s*\d+\s*\]?|[\s\u3000\xa0:：|….\-<>«»‹›【】·]"
)
# No page bar is longer than this, even one listing a hundred page numbers.
_BAR_MAX_CHARS = 800
_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_AUTHOR = re.compile(r"作\s*者\s*[:：/]\s*([^\s|:：]+)")
_TITLE_SUFFIX = re.compile(r"\s*[_\-|–—]\s*[^_\-|–—]*[家][鄉乡][網网].*$")


def follow_all_links(settings) -> bool:
    """FOLLOW_ALL_LINKS, which when unset is on in mirror mode (MIRROR_DIR)."""
    value = settings.get("FOLLOW_ALL_LINKS")
    return bool(settings.get("MIRROR_DIR")) if value is None else settings.getbool("FOLLOW_ALL_LINKS")


@dataclass(frozen=True)
class Extraction:
    """Where to look on a page; built from the settings of the same names."""

    content_selectors: tuple[str, ...] = ()
    title_selectors: tuple[str, ...] = ("h1", "title")
    info_selectors: tuple[str, ...] = ()
    article_link_selector: str = ""
    article_link_min_chars: int = 8
    article_min_chars: int = 100
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
            article_link_min_chars=settings.getint("ARTICLE_LINK_MIN_CHARS"),
            article_min_chars=settings.getint("ARTICLE_MIN_CHARS"),
            all_links=follow_all_links(settings),
            requisites=bool(settings.get("MIRROR_DIR")) and settings.getbool("MIRROR_REQUISITES"),
        )


@dataclass
class PageBar:
    """The page's place in its article, read from the page bar."""

    current: int | None = None
    total: int | None = None
    links: dict[int, str] = field(default_factory=dict)  # other pages by number
    prev_url: str | None = None
    next_url: str | None = None
    first_url: str | None = None

    @property
    def is_last(self) -> bool:
        return self.next_url is None


@dataclass
class ParsedPage:
    url: str
    kind: str
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    author: str | None = None
    published: str | None = None
    bar: PageBar | None = None
    article_links: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every link, in mirror mode
    requisites: list[str] = field(default_factory=list)  # images and stylesheets, in mirror mode


# The same page-bar URLs come back on every page of an article.
canonicalize_url = functools.lru_cache(maxsize=4096)(_canonicalize_url)


def _normalize(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _is_element(node) -> bool:
    return isinstance(node.tag, str)


def _own_texts(root) -> Iterator[tuple[object, str]]:
    """(owner element, text) for every text node under root, scripts and styles left out."""
    if not _is_element(root) or root.tag in _SKIP_TAGS:
        return
    if root.text:
        yield root, root.text
    for child in root:
        yield from _own_texts(child)
        if child.tail:
            yield root, child.tail


def _inside_link(el) -> bool:
    return el.tag == "a" or any(a.tag == "a" for a in el.iterancestors())


def _lines(root, skip=()) -> list[str]:
    """The text of ``root`` as lines, a new line at each block element and <br>."""
    out: list[str] = []

    def walk(el) -> None:
        if not _is_element(el) or el.tag in _SKIP_TAGS or el in skip:
            return
        block = el.tag in _BLOCK_TAGS
        if block:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append("\n")

    walk(root)
    return [line.strip() for line in "".join(out).split("\n") if line.strip()]


def _densest_block(root):
    """The element whose own paragraphs hold the most non-link text."""
    score: Counter = Counter()
    for owner, text in _own_texts(root):
        if _inside_link(owner):
            continue
        container = owner
        while container.tag in _INLINE_TAGS and container.getparent() is not None:
            container = container.getparent()
        score[container] += len(text.strip())
    if not score:
        return root
    return score.most_common(1)[0][0]


def _text_and_link_lengths(el) -> tuple[int, int]:
    """Characters of text outside links and inside them, in one walk."""
    lengths = [0, 0]
    for owner, text in _own_texts(el):
        lengths[_inside_link(owner)] += len(text.strip())
    return lengths[0], lengths[1]


_BAR_WORD = re.compile("|".join(_BAR_WORDS))


def _bar_word_owners(root) -> Iterator[object]:
    """Elements owning a text that holds a bar word, outside scripts and styles."""
    for node in root.iter():
        owners = []
        if _is_element(node) and node.text and _BAR_WORD.search(node.text):
            owners.append(node)
        if node.tail and node is not root and _BAR_WORD.search(node.tail):
            owners.append(node.getparent())
        for owner in owners:
            if owner.tag not in _SKIP_TAGS and not any(a.tag in _SKIP_TAGS for a in owner.iterancestors()):
                yield owner


def _find_bar(root, url: str, urljoin) -> tuple[object | None, PageBar | None]:
    """Locate the page bar by its 上一頁/下一頁 words and read it."""
    for owner in _bar_word_owners(root):
        bar_root = owner
        while bar_root.getparent() is not None and bar_root.getparent().tag not in ("body", "html"):
            parent = bar_root.getparent()
            if not _only_bar(parent):
                break
            bar_root = parent
        bar = _read_bar(bar_root, url, urljoin)
        if bar is not None:
            return bar_root, bar
    return None, None


def _only_bar(el) -> bool:
    texts, size = [], 0
    for _, text in _own_texts(el):
        texts.append(text)
        size += len(text)
        if size > _BAR_MAX_CHARS:  # a whole article body is not read to the end
            return False
    return not _BAR_NOISE.sub("", "".join(texts))


def _read_bar(bar_root, url: str, urljoin) -> PageBar | None:
    here = canonicalize_url(url)
    bar = PageBar()
    plain_numbers: list[int] = []
    has_link = False
    for owner, text in _own_texts(bar_root):
        link = next((a for a in [owner, *owner.iterancestors()] if a.tag == "a" and a.get("href")), None)
        label = _normalize(text).strip(_LABEL_DECORATION)
        if link is None:
            plain_numbers += [int(m.group(1)) for m in map(_NUMBER.match, label.split(" ")) if m]
            if total := _TOTAL.search(label):
                bar.total = int(total.group(1))
            continue
        href = link.get("href").strip()
        if href.lower().startswith(("javascript:", "mailto:")):
            continue
        target = urljoin(href)
        has_link = True
        if label in PREV_WORDS:
            bar.prev_url = target
        elif label in NEXT_WORDS:
            bar.next_url = target
        elif _FIRST.match(label):
            bar.first_url = target
        elif number := _NUMBER.match(label):
            n = int(number.group(1))
            if canonicalize_url(target) == here:
                plain_numbers.append(n)
            else:
                bar.links[n] = target
        elif total := _TOTAL.search(label):
            bar.total = int(total.group(1))
    if not has_link and not plain_numbers:
        return None
    if bar.prev_url and canonicalize_url(bar.prev_url) == here:
        bar.prev_url = None
    if bar.next_url and canonicalize_url(bar.next_url) == here:
        bar.next_url = None
    bar.current = _current_page(bar, plain_numbers)
    return bar


def _current_page(bar: PageBar, plain_numbers: list[int]) -> int | None:
    if len(set(plain_numbers)) == 1:
        return plain_numbers[0]
    by_url = {canonicalize_url(u): n for n, u in bar.links.items()}
    if bar.prev_url and canonicalize_url(bar.prev_url) in by_url:
        return by_url[canonicalize_url(bar.prev_url)] + 1
    if bar.next_url and canonicalize_url(bar.next_url) in by_url:
        return by_url[canonicalize_url(bar.next_url)] - 1
    if bar.prev_url is None and bar.next_url is not None:
        return 1
    return None


def _title(response: TextResponse, extraction: Extraction) -> str:
    for selector in extraction.title_selectors:
        for text in response.css(selector).xpath("string()").getall():
            text = _normalize(text)
            if text:
                return _TITLE_SUFFIX.sub("", text) if selector == "title" else text
    return ""


def _published(text: str) -> str | None:
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is None:
        return date
    return f"{date}T{int(hour):02d}:{minute}" + (f":{second}" if second else "")


def _info_text(response: TextResponse, body, extraction: Extraction) -> str:
    for selector in extraction.info_selectors:
        texts = response.css(selector).xpath("string()").getall()
        if texts:
            return " ".join(_normalize(t) for t in texts)
    # Unknown markup: the few elements just before the body usually carry the byline.
    previous = [el for el in body.itersiblings(preceding=True) if _is_element(el)][:3]
    return " ".join(" ".join(_lines(el)) for el in previous)


def _body(response: TextResponse, root, extraction: Extraction) -> tuple[object, bool]:
    """The body block, and whether a content selector found it."""
    for selector in extraction.content_selectors:
        matches = response.css(selector)
        if matches:
            best = max(matches, key=lambda s: len(s.xpath("string()").get("")))
            return best.root, True
    return _densest_block(root), False


def _article_links(response: TextResponse, bar_root, extraction: Extraction) -> list[str]:
    if extraction.article_link_selector:
        anchors = response.css(extraction.article_link_selector).xpath("descendant-or-self::a[@href]")
    else:
        anchors = [
            a for a in response.xpath("//body//a[@href]")
            if len(_normalize(a.xpath("string()").get(""))) >= extraction.article_link_min_chars
        ]
    hrefs = [
        a.root.get("href", "") for a in anchors
        if bar_root is None or not (a.root is bar_root or bar_root in a.root.iterancestors())
    ]
    return _absolute(response, [h for h in hrefs if not h.strip().startswith("#")])


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


def _absolute(response: TextResponse, hrefs: list[str]) -> list[str]:
    """Absolute http(s) URLs, without fragments, in order, once each."""
    urls = (response.urljoin(h.strip()).split("#")[0] for h in hrefs if h.strip())
    return list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))


def parse_page(response: TextResponse, extraction: Extraction, kind: str | None = None) -> ParsedPage:
    """Turn one response into page fields. ``kind`` is what the link to it said it is, if known."""
    response = redecoded(response)
    root = response.selector.root
    body_el = response.css("body")
    body_root = body_el[0].root if body_el else root
    bar_root, bar = _find_bar(body_root, response.url, response.urljoin)
    block, selected = _body(response, body_root, extraction)
    if kind is None:
        text_chars, link_chars = _text_and_link_lengths(block)
        enough = selected or text_chars >= extraction.article_min_chars
        kind = ARTICLE if enough and link_chars < text_chars else LISTING
    page = ParsedPage(url=response.url, kind=kind, title=_title(response, extraction), bar=bar)
    if extraction.all_links:
        page.links = _absolute(response, response.xpath("//a/@href").getall())
    if extraction.requisites:
        page.requisites = _absolute(
            response, response.xpath("//img/@src | //link[contains(@rel, 'stylesheet')]/@href").getall()
        )
    if kind == LISTING:
        page.article_links = _article_links(response, bar_root, extraction)
        return page
    skip = {bar_root} if bar_root is not None and bar_root is not block else set()
    page.paragraphs = _lines(block, skip=skip)
    page.images = _absolute(response, [img.get("src") or "" for img in block.iter("img")])
    info = _info_text(response, block, extraction)
    page.published = _published(info)
    author = _AUTHOR.search(info)
    page.author = author.group(1) if author else None
    return page
