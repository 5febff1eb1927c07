"""Walking an lxml tree as text: which elements are blocks, what text each owns, and a block's lines.

Shared by the page-bar reader, the link analysis and the page parser; nothing
here knows what a page means.
"""

from __future__ import annotations

import functools
import re

import lxml.html
from lxml import etree
from parsel.csstranslator import HTMLTranslator

SKIP_TAGS = frozenset({
    "script", "style", "noscript", "iframe", "select", "option", "button", "textarea", "template",
})
# Inline elements: their text belongs to the block around them.
INLINE_TAGS = frozenset({
    "a", "b", "strong", "i", "em", "u", "span", "font", "small", "big", "sub", "sup", "label", "abbr", "cite",
    "code", "mark", "q", "s", "strike", "time", "var", "ins", "del", "img", "wbr", "nobr",
})
BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody",
    "thead", "tfoot", "tr", "td", "th", "section", "article", "blockquote", "center", "pre", "hr", "header",
    "footer", "form", "main", "aside", "nav", "figure", "figcaption", "address", "caption", "fieldset", "body",
})
_SPACE = re.compile(r"[\s\u3000\xa0]+")
# A </body> or </html> before the end of the page: the parser would drop what follows it.
_EARLY_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_MAY_HIDE = etree.XPath("//*[@hidden or @aria-hidden or @style or contains(@class, 'hid')]")
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDING_CLASS = re.compile(r"(?:^|\s)(?:hidden|hide|is-hidden|[a-z]+-hidden)(?:\s|$)", re.IGNORECASE)
# What a class may hide is dropped only when it is this short and no sentence: a player's "Play Video", a
# widget's label. A longer text so hidden is often the article's rest, shown by a "read more" button.
_CLASS_HIDDEN_MAX_CHARS = 20
_SENTENCE_END = re.compile(r"[。！？!?.]")


def normalize(text: str) -> str:
    """White space of every kind (full-width and no-break too) as single spaces, trimmed."""
    return _SPACE.sub(" ", text).strip()


# lxml.html's own parser picks each element's class in Python, every time an element is reached from Python
# (tens of thousands of times a page); form elements' classes aside, which nothing here uses, this is the same.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parse_html(text: str):
    """The tree of ``text`` as parsel builds it for Scrapy's selectors, with lxml.html's element classes."""
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    root = etree.fromstring(text.strip().replace("\x00", "").encode("utf-8") or b"<html/>", parser=parser)
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser)


def visible_tree(html: str):
    """The page's tree as a reader sees it: all of it, even what follows a stray ``</html>``, and none of
    what it hides (``hidden``, ``aria-hidden``, ``display:none``, ``visibility:hidden``)."""
    root = _parse_html(_EARLY_END.sub("", html))
    for el in _MAY_HIDE(root):
        hidden = el.get("hidden") is not None or el.get("aria-hidden") == "true" or (
            _HIDING_STYLE.search(el.get("style") or "")) or (
            _HIDING_CLASS.search(el.get("class") or "") and _short_phrase(string_of(el)))
        if hidden and el.tag not in ("html", "body") and el.getparent() is not None:  # shown once scripts ran
            el.drop_tree()  # its tail is the next text of the page, and stays
    return root


def _short_phrase(text: str) -> bool:
    text = normalize(text)
    return len(text) <= _CLASS_HIDDEN_MAX_CHARS and not _SENTENCE_END.search(text)


def is_element(node) -> bool:
    """Whether an lxml node is an element (not a comment or processing instruction)."""
    return isinstance(node.tag, str)


string_of = etree.XPath("string()")  # all text under an element, scripts' too: fast, for measures
_SKIP_TAGS = sorted(SKIP_TAGS)  # as lxml's iteration by tag takes them


# The walks below are module functions, not closures calling themselves: such a closure is a reference cycle,
# and it held the page's whole tree until the garbage collector's next full pass.


def own_texts(root) -> list[tuple[object, str]]:
    """(owner element, text) for every text node under root in page order, scripts and styles left out."""
    out: list[tuple[object, str]] = []
    if is_element(root) and root.tag not in SKIP_TAGS:
        _own_texts(root, out)
    return out


def _own_texts(el, out: list) -> None:
    # Each read of .text or .tail decodes it anew: read once.
    if text := el.text:
        out.append((el, text))
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in SKIP_TAGS:
            _own_texts(child, out)
        if tail := child.tail:
            out.append((el, tail))


def holders(blocks) -> set:
    """``blocks`` and every element holding them: where a box around something inside them stops growing."""
    return {*blocks, *(a for b in blocks for a in b.iterancestors())}


def under(roots) -> set:
    """Every element (and comment) in the subtrees of ``roots``: membership is then a set lookup."""
    return {el for root in roots for el in root.iter()}


def inside(el, tag: str) -> bool:
    """Whether ``el`` is a ``tag`` element or inside one."""
    return el.tag == tag or any(a.tag == tag for a in el.iterancestors())


def block_of(el):
    """The nearest block element holding ``el`` (itself when it is one)."""
    while el.tag not in BLOCK_TAGS and el.getparent() is not None:
        el = el.getparent()
    return el


def lines(root, skip=()) -> list[str]:
    """The text of ``root`` as lines, a new line at each block element and <br>; ``skip`` elements left out.
    A line break in the page's source is a space, as a browser shows it, or nothing between two Chinese
    characters (not in <pre>)."""
    out: list[str] = []
    _lines(root, skip, out, False)
    text = "".join(out)
    if _SOURCE_BREAK in text:
        text = _unbroken(text)
    return [stripped for line in text.split("\n") if (stripped := line.strip())]


_SOURCE_BREAK = "\x0b"  # a line break of the page's source, until it is known what stands around it
_SPACES = " \t\r\f"


def _unbroken(text: str) -> str:
    """``text`` with each source line break and the spaces around it as a browser shows them: nothing between
    two wide characters (Chinese, Japanese; not Hangul), as CSS's segment break rules have it, else a space.
    (A loop over the breaks: a regular expression looking around every character took five times as long.)"""
    parts = text.split(_SOURCE_BREAK)
    out = [parts[0]]
    for part in parts[1:]:
        if not (after := part.lstrip(_SPACES)):
            continue  # breaks one after another are one
        before = out[-1] = out[-1].rstrip(_SPACES)
        out.append(after if before and _wide(before[-1]) and _wide(after[0]) else " " + after)
    return "".join(out)


def _wide(char: str) -> bool:
    return ("\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\ufe30" <= char <= "\ufe4f"
            or "\uff00" <= char <= "\uff60" or "\uffe0" <= char <= "\uffe6" or char >= "\U00020000")


def _lines(el, skip, out: list, pre: bool) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or el in skip:
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append("\n")
    pre = pre or tag == "pre"
    if text := el.text:
        out.append(text if pre else text.replace("\n", _SOURCE_BREAK))
    for child in el:
        _lines(child, skip, out, pre)
        if tail := child.tail:
            out.append(tail if pre else tail.replace("\n", _SOURCE_BREAK))
    if block:
        out.append("\n")


def text_of(el) -> str:
    """All text under ``el``, scripts and styles left out, white space normalized."""
    if not len(el):  # no child: its own text is all (most links), and no XPath is needed to say so
        return normalize(el.text or "")
    if next(el.iterdescendants(*_SKIP_TAGS), None) is not None:
        return normalize("".join(text for _, text in own_texts(el)))
    return normalize(string_of(el))


_TOKEN_SPLIT = re.compile(r"[\s_\-]+")


def tokens(el) -> list[str]:
    """The words of an element's class and id, lower case, split at ``-``, ``_`` and spaces."""
    return _TOKEN_SPLIT.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower())


@functools.lru_cache(maxsize=256)
def _css(selector: str) -> etree.XPath:
    return etree.XPath(HTMLTranslator().css_to_xpath(selector))


def select(root, selector: str) -> list:
    """The elements under ``root`` that a CSS selector matches (Scrapy's css(), without its Selector objects)."""
    return _css(selector)(root)
