"""Where a page's text is: the block holding the most prose, and the byline beside it.

Prose is the page's text outside links, navigation, lists of links, the page
bar, the headline and the site's boilerplate. Each text is scored by its length
and its sentence marks, and the score goes to the block that holds its
paragraph (fully) and to the block above that (half), as Readability does; the
body is the best-scored block, with the siblings that hold a fair share too.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import NamedTuple

from .cleaning import is_boilerplate
from .markup import BLOCK_TAGS, INLINE_TAGS, block_of, is_element, select, text_of, under

_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote", "pre", "figcaption",
                             "caption", "address"})
SENTENCE_MARKS = re.compile(r"[，。！？；、,!?;]")
_SENTENCE_END = re.compile(r"[。！？!?]")
DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_BYLINE_WORDS = re.compile("作者|來源|来源|記者|记者|編輯|编辑|發布|發佈|发布|時間|时间|日期|稿源|通訊員|通讯员")
_SIBLING_SHARE = 0.3  # a sibling block with this share of the best block's prose is part of the body too
_BYLINE_MAX_CHARS = 160


class Text(NamedTuple):
    """A text of the page's prose, with what is known of it."""

    owner: object
    text: str
    byline: bool  # a date or a signature, not prose
    marks: int  # sentence marks


class Prose:
    """The page's prose: text outside links, navigation, lists of links, the page bar and boilerplate.

    Each text is scored by its length and its sentence marks, and the score
    goes to the block that holds its paragraph (fully) and to the block above
    that (half), as Readability does; the body is the best-scored block.
    """

    def __init__(self, body, texts: list[tuple[object, str]], excluded: set):
        self._texts = texts
        self._excluded = under([*excluded, *body.iter("a")])  # link text is not prose
        self._facts: dict[int, Text | None] = {}  # index in texts -> what the text is, once asked
        self._within: dict[tuple, list[Text]] = {}
        self.images = [img for img in body.iter("img") if img not in self._excluded]

    def _text(self, index: int) -> Text | None:
        """The index-th text of the page as prose, or None when it is none (empty, excluded, boilerplate)."""
        if index not in self._facts:
            owner, text = self._texts[index]
            text = text.strip()
            if not text or owner in self._excluded or is_boilerplate(text):
                self._facts[index] = None
            else:
                self._facts[index] = Text(owner, text, is_byline(text), len(SENTENCE_MARKS.findall(text)))
        return self._facts[index]

    def within(self, blocks) -> list[Text]:
        """The prose texts under any of ``blocks``, in page order."""
        key = tuple(blocks)
        if key not in self._within:
            inside = under(blocks)
            found = (self._text(i) for i, (owner, _) in enumerate(self._texts) if owner in inside)
            self._within[key] = [t for t in found if t is not None]
        return self._within[key]

    @functools.cached_property
    def scores(self) -> dict[object, float]:
        """Each block's score: its paragraphs' prose in full, and half of that of the blocks just under it."""
        scores: dict[object, float] = defaultdict(float)
        leaf_memo: dict[object, bool] = {}
        for index in range(len(self._texts)):
            found = self._text(index)
            if found is None:
                continue
            block = found.owner
            while block.tag in INLINE_TAGS and block.getparent() is not None:
                block = block.getparent()
            score = len(found.text) + 3 * found.marks
            if found.byline:
                score /= 5  # a byline beside the text must not draw the body to itself
            if block.tag in _PARAGRAPH_TAGS or _single_paragraph(block, leaf_memo):
                holder = block.getparent() if block.getparent() is not None else block
            else:
                holder = block
            scores[holder] += score
            if holder.getparent() is not None:
                scores[holder.getparent()] += score / 2
        return scores

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


def is_byline(text: str) -> bool:
    """A short dated or signed line that is not a sentence: the byline, not prose."""
    return (
        len(text) <= _BYLINE_MAX_CHARS
        and not text.isspace()
        and bool(DATE.search(text) or _BYLINE_WORDS.search(text))
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


def find_body(root, prose: Prose, content_selectors: tuple[str, ...]) -> tuple[list, str | None]:
    """The body's blocks, and the content selector that found them (None: found by prose)."""
    for selector in content_selectors:
        matches = [(sum(len(t.text) for t in prose.within([el])), el) for el in select(root, selector)]
        matches = [(chars, el) for chars, el in matches if chars > 0]
        if matches:
            return [max(matches, key=lambda m: m[0])[1]], selector
    return prose.best() or prose.pictures(), None


def find_byline(root, prose: Prose, blocks: list, headline, info_selectors: tuple[str, ...]):
    """The element carrying date and author, and its text: INFO_SELECTORS, else the short dated or
    signed block near the headline or before the body's first sentence."""
    for selector in info_selectors:
        matches = select(root, selector)
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
        if el not in body and text and is_byline(text):
            return el, text
    return None, ""
