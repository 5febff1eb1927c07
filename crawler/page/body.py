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
from collections import Counter, defaultdict
from typing import NamedTuple

from crawler.page.markup import BLOCK_TAGS, INLINE_TAGS, block_of, holders, is_element, select, text_of, under
from crawler.text.cleaning import is_boilerplate

_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt", "blockquote", "pre", "figcaption",
                             "caption", "address"})
SENTENCE_MARKS = re.compile(r"[，。！？；、,!?;]")
SENTENCE_END = re.compile(r"[。！？!?]")
DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A date as a byline writes it: in full, or a month and a day (TNW中文站 10月14日报道), or as other scripts
# write it (June 11, 2020; 04.05.2015; 14/01/2020; 7:26 AM).
DATED = re.compile(DATE.pattern + r"|\d{1,2}\s*月\s*\d{1,2}\s*日"
                   rf"|\b(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}},?\s+\d{{4}}|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}\b"
                   r"|(?<!\d)\d{1,2}:\d{2}\s*[AP]M\b")
# A byline in a script of words: By …, Par …, Por …, Von … (a name, no sentence).
LATIN_BYLINE = re.compile(r"(?:By|Par|Por|Von|Door)\s+\S(?:[^.!?]|(?<=\d)\.(?=\d)){0,80}")  # (a time: 12.41)
_BYLINE_WORDS = re.compile("作者|來源|来源|記者|记者|評論員|评论员|編輯|编辑|發布|發佈|发布|時間|时间|日期|稿源|通訊員|通讯员")
_LABELS = ("責任編輯|责任编辑|作者|來源|来源|記者|记者|編輯|编辑|發布時間|发布时间|發布者|发布者|發布人|发布人|發布|發佈|发布|時間|时间"
           "|日期|稿源|通訊員|通讯员|查看|評論|评论"
           "|攝影|摄影|校對|校对|審核|审核|出處|出处|點擊|点击|瀏覽|浏览|閱讀|阅读|字號|字号|字體|字体|供稿|撰稿|主編|主编|簽發|签发"
           "|評論員|评论员|本報訊|本报讯|本報|本报|本台|本網|本网|文|圖|图")
# A byline's field: a label with its value after a colon, or a label with a name (or names: 邹多为、唐诗凝) after it.
_BYLINE_FIELD = re.compile(
    f"(?:{_LABELS})\\s*[:：/|｜]\\s*[^\\s|｜/丨，,;；]{{0,25}}"
    f"|(?:{_LABELS})\\s*[\\u3400-\\u9fff·]{{0,4}}(?:[、，,]\\s*[\\u3400-\\u9fff·]{{2,4}})*(?=\\s|$|[)）】\\]|｜/])"
)
# A byline's parts: its fields, times, separators.
_BYLINE_PARTS = re.compile(
    _BYLINE_FIELD.pattern + r"|\d{1,2}:\d{2}(?::\d{2})?|[\s|｜/丨·,，;；:：()（）【】\[\]<>《》\-]+"
)
_BYLINE_SPACE = re.compile(r"\s+")
_BYLINE_REST = 8  # characters a byline may hold besides its parts (a source's name: 新華網, 人民日报)
_AROUND_MAIN = 1.5  # a content selector's match around the main block holds at most this much of its prose
_SIBLING_SHARE = 0.3  # a sibling block with this share of the best block's prose is part of the body too
_REPEAT_SHARE = 0.1  # a block like the best one, with this share of its prose, repeats it (posts of an index)
_BYLINE_MAX_CHARS = 160
LEAD_CHARS = 10  # characters of the page's summary that find its lead
_DESCRIBED_SHARE = 0.1  # the block of the page's lead wins with this share of the best block's prose
_PHRASE = 20  # a text shorter than this, with no sentence mark, is a phrase (a caption, a name, a hot word), no prose


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

    def __init__(self, body, texts: list[tuple[object, str]], excluded: set, like: Prose | None = None,
                 summary: str = ""):
        self._texts = texts
        # The opening of the page's own summary (its description): where the article's lead is.
        self._summary = like._summary if like is not None else "".join(summary.split())
        self._excluded = under([*excluded, *body.iter("a")])  # link text is not prose
        # index in texts -> what the text is (None: empty or boilerplate), once asked; shared with ``like``,
        # the same page's prose with other blocks left out.
        self._facts: dict[int, Text | None] = like._facts if like is not None else {}
        self._within: dict[tuple, list[Text]] = {}
        # index in texts -> (the block its score goes to, the score), once known; shared with ``like`` too
        self._placed: dict[int, tuple[object, float] | None] = like._placed if like is not None else {}
        self._leaf_memo: dict[object, bool] = like._leaf_memo if like is not None else {}
        # parent -> how many of its children have each (tag, class): the paragraphs' wrappers that repeat
        self._shapes: dict[object, Counter] = like._shapes if like is not None else {}
        self.images = [img for img in body.iter("img") if img not in self._excluded]

    def _text(self, index: int) -> Text | None:
        """The index-th text of the page as prose, or None when it is none (empty, excluded, boilerplate)."""
        owner, text = self._texts[index]
        if owner in self._excluded:
            return None
        if index not in self._facts:
            text = text.strip()
            if not text or is_boilerplate(text):
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
        placed, excluded = self._placed, self._excluded
        for index, (owner, _) in enumerate(self._texts):
            if owner in excluded:
                continue
            # Where a text's score goes does not depend on what is left out: the page's second Prose asks once.
            if index not in placed:
                placed[index] = self._place(index)
            if placed[index] is None:
                continue
            holder, score = placed[index]
            scores[holder] += score
            if (parent := holder.getparent()) is not None:
                scores[parent] += score / 2
        return scores

    def _place(self, index: int) -> tuple[object, float] | None:
        """The block the index-th text's score goes to, and the score; None for no prose."""
        found = self._facts[index] if index in self._facts else self._text(index)
        if found is None:
            return None
        block = found.owner
        while block.tag in INLINE_TAGS and block.getparent() is not None:
            block = block.getparent()
        score = len(found.text) + 3 * found.marks
        if found.byline or (not found.marks and len(found.text) < _PHRASE):
            score /= 5  # a byline, or a list of short phrases beside the text, must not draw the body to itself
        if block.tag in _PARAGRAPH_TAGS or _single_paragraph(block, self._leaf_memo):
            block = _wrapped(block, self._shapes)
            return (block.getparent() if block.getparent() is not None else block), score
        return block, score

    def repeats(self, block) -> int:
        """How many other blocks of the same class, in parents of the same tag, hold prose beside ``block``
        (a tenth of its share at least): the posts of a blog's index, each in its ``div.entry-content``."""
        if not block.get("class"):
            return 0
        shape = (block.tag, block.get("class"), _parent_tag(block))
        floor = self.scores.get(block, 0) * _REPEAT_SHARE
        return sum(1 for el, score in self.scores.items()
                   if el is not block and score >= floor and (el.tag, el.get("class"), _parent_tag(el)) == shape)

    def first_sentence(self, block):
        """The element owning the first text under ``block`` that reads as a sentence of prose."""
        for t in self.within([block]):
            if SENTENCE_END.search(t.text) or len(t.text) >= 80:
                return t.owner
        return None

    def pictures(self) -> list:
        """For a page without prose: the blocks holding its pictures (a gallery page)."""
        return list(dict.fromkeys(block_of(img) for img in self.images))

    @functools.cached_property
    def _windows(self) -> list[str]:
        """Pieces of the page's own summary that find its lead (its very start may be a link, a hashtag)."""
        found = [self._summary[i:i + LEAD_CHARS] for i in range(0, 5 * LEAD_CHARS, LEAD_CHARS)]
        return [w for w in found if len(w) == LEAD_CHARS]

    def _lead_in(self, texts) -> object | None:
        """The element owning the first of ``texts`` where the page's own summary begins, or None."""
        for found in texts:
            squashed = "".join(found.text.split())
            if any(w in squashed for w in self._windows):
                return found.owner
        return None

    def _described(self, top):
        """The best-scored block holding the page's lead (where its own summary begins), when that is
        outside ``top`` and the block holds a fair share of prose: a stream of full teasers, or another
        article recommended below, outweighs a short article, but the summary names the page's own."""
        if not self._windows or self._lead_in(self.within([top])) is not None:
            return top
        owner = self._lead_in(t for i in range(len(self._texts)) if (t := self._text(i)) is not None)
        if owner is None:
            return top
        outside = []
        for el in [owner, *owner.iterancestors()]:
            if top in el.iterancestors() or el in top.iterancestors():
                break
            outside.append(el)
        found = max(outside, key=lambda el: self.scores.get(el, 0), default=top)
        return found if self.scores.get(found, 0) >= _DESCRIBED_SHARE * self.scores[top] else top

    def best(self) -> list:
        """The best-scored block and its siblings that hold a fair share of prose too, in page order."""
        if not self.scores:
            return []
        top = self._described(max(self.scores, key=lambda el: self.scores[el]))
        parent = top.getparent()
        if parent is None:
            return [top]
        floor = self.scores[top] * _SIBLING_SHARE
        return [el for el in parent if el is top or (is_element(el) and self.scores.get(el, 0) >= floor)]


def _parent_tag(el) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def is_byline(text: str) -> bool:
    """A short line of nothing but a byline's parts: dates, names, labelled fields (来源：…, 记者 …).

    A sentence is never a byline, whatever words it has: a lead that starts
    ``記者從市交通局獲悉,…`` is the article's.
    """
    if LATIN_BYLINE.fullmatch(text):
        return True
    # The cheap tests first: most texts are sentences, and the date's pattern is the slowest.
    if len(text) > _BYLINE_MAX_CHARS or SENTENCE_END.search(text):
        return False
    if not (_BYLINE_WORDS.search(text) or DATED.search(text)):
        return False
    undated = DATED.sub(" ", text)
    if undated == text and not _BYLINE_FIELD.search(text):
        return False  # a byline word with no field of its own (在“陽東發布”、) is a piece of a sentence
    rest = _BYLINE_PARTS.sub(" ", undated)
    return len(_BYLINE_SPACE.sub("", rest)) <= _BYLINE_REST


def _wrapped(paragraph, memo: dict):
    """A paragraph with the wrappers that are its own: blocks holding nothing else, one after another like it
    (``div.el > div.rt > p``, paragraph after paragraph, as components render them)."""
    top = paragraph
    # (An lxml element's len() counts its children one by one: its only child is one with no siblings.)
    while (parent := top.getparent()) is not None and parent.tag == "div" and top.getprevious() is None and (
            top.getnext() is None) and not ((parent.text or "").strip() or (top.tail or "").strip()):
        top = parent
    return top if top is not paragraph and _repeated(top, memo) else paragraph


def _repeated(el, memo: dict) -> bool:
    """Whether a sibling of ``el`` has its tag and class."""
    parent = el.getparent()
    if parent not in memo:
        memo[parent] = Counter((child.tag, child.get("class")) for child in parent)
    return memo[parent][el.tag, el.get("class")] > 1


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
    """The body's blocks, and the content selector that found them (None: found by prose).

    A selector's match is the body only when it holds the page's main prose
    (the best-scored block), or most of it: a tooltip or a teaser that matches
    ``div.content`` is not.
    """
    best = prose.best()
    if best:
        main = best[0]
        main_chars = _chars(prose, best)
        for selector in content_selectors:
            matches = [el for el in select(root, selector) if _holds_main(el, main, main_chars, prose)]
            if matches:
                return [matches[-1]], selector  # the innermost of nested matches
    return best or prose.pictures(), None


def _chars(prose: Prose, blocks: list) -> int:
    return sum(len(t.text) for t in prose.within(blocks))


def _holds_main(el, main, main_chars: int, prose: Prose) -> bool:
    """Whether ``el`` is the main block, or holds it and little more prose, or is most of it."""
    if el is main:
        return True
    if el in main.iterancestors():
        return _chars(prose, [el]) <= _AROUND_MAIN * main_chars
    return main in el.iterancestors() and 2 * _chars(prose, [el]) >= main_chars


def find_byline(root, prose: Prose, blocks: list, headline, info_selectors: tuple[str, ...]):
    """The element carrying date and author, and its text: INFO_SELECTORS, else the short dated or
    signed block near the headline or before the body's first sentence."""
    for selector in info_selectors:
        matches = select(root, selector)
        if matches:
            return matches[0], " ".join(text_of(m) for m in matches)
    candidates = []
    if headline is not None:
        # In the headline (PHPCMS's h1: the title, a <br>, the byline's span), or beside it.
        candidates += [el for el in headline.iterdescendants() if is_element(el)]
        candidates += [el for el in headline.itersiblings() if is_element(el)][:3]
        for holder in [*headline.iterancestors()][:3]:  # a table layout puts the byline a row below
            candidates += [el for el in holder.itersiblings() if is_element(el)][:2]
    if blocks:
        first = blocks[0]
        for holder in [first, *first.iterancestors()][:3]:  # a table layout puts the byline a row above
            candidates += [el for el in holder.itersiblings(preceding=True) if is_element(el)][:2]
        sentence = prose.first_sentence(first)
        around = {sentence, *sentence.iterancestors()} if sentence is not None else set()
        for el in first.iterdescendants() if sentence is not None else ():
            if el is sentence:
                break  # a byline inside the body comes before its first sentence, never after
            if is_element(el) and el.tag in BLOCK_TAGS and el not in around:
                candidates.append(el)
    body = holders(blocks)
    for el in candidates:
        text = text_of(el)
        if el not in body and text and is_byline(text):
            return el, text
    return None, ""
