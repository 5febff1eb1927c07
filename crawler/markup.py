"""Walking an lxml tree as text: which elements are blocks, what text each owns, and a block's lines.

Shared by the page-bar reader, the link analysis and the page parser; nothing
here knows what a page means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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


def normalize(text: str) -> str:
    """White space of every kind (full-width and no-break too) as single spaces, trimmed."""
    return _SPACE.sub(" ", text).strip()


def is_element(node) -> bool:
    """Whether an lxml node is an element (not a comment or processing instruction)."""
    return isinstance(node.tag, str)


def own_texts(root) -> Iterator[tuple[object, str]]:
    """(owner element, text) for every text node under root, scripts and styles left out."""
    if not is_element(root) or root.tag in SKIP_TAGS:
        return
    if root.text:
        yield root, root.text
    for child in root:
        yield from own_texts(child)
        if child.tail:
            yield root, child.tail


def inside(el, tag: str) -> bool:
    """Whether ``el`` is a ``tag`` element or inside one."""
    return el.tag == tag or any(a.tag == tag for a in el.iterancestors())


def block_of(el):
    """The nearest block element holding ``el`` (itself when it is one)."""
    while el.tag not in BLOCK_TAGS and el.getparent() is not None:
        el = el.getparent()
    return el


def lines(root, skip=()) -> list[str]:
    """The text of ``root`` as lines, a new line at each block element and <br>; ``skip`` elements left out."""
    out: list[str] = []

    def walk(el) -> None:
        if not is_element(el) or el.tag in SKIP_TAGS or el in skip:
            return
        block = el.tag in BLOCK_TAGS
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


def text_of(el) -> str:
    """All text under ``el``, scripts and styles left out, white space normalized."""
    return normalize("".join(text for _, text in own_texts(el)))


def tokens(el) -> list[str]:
    """The words of an element's class and id, lower case, split at ``-``, ``_`` and spaces."""
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return [t for t in re.split(r"[\s_\-]+", value) if t]
