"""A page's title: its headline, else the page's own part of its <title>.

The headline is the heading (of any level) that best repeats the page's own
part of the <title>, or the <title>'s whole opening (``新华视界｜河北遵化：…``),
the nearest to the body among equals, and its text is its own, without a byline
nested in it. A heading that repeats only another part
of the <title> (the site's name, a category) is not the headline. Where no
heading repeats the title, the headline is the block whose whole text is the
title's own part (a government CMS's ``div.title``), else the page's only
``<h1>`` when it is a rewritten version of the title.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from crawler.page.body import is_byline
from crawler.page.markup import inside, normalize, own_texts, string_of, text_of, under

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
# What joins a <title>'s parts: the page's own name, its category, the site's name.
# "_" not inside a word (``utf8_header``); a bare "-" only before a short Chinese last part (``標題-新華網``),
# not inside a title (``COVID-19``); a single "—", never the Chinese dash "——" of a headline.
_TITLE_PARTS = re.compile(
    r"\s*(?:[|｜–]|(?<!—)—(?!—))\s*|\s+[-_]\s+|\s*(?<![A-Za-z0-9])_\s*|\s*_(?![A-Za-z0-9])\s*"
    r"|-(?=[\u3400-\u9fff][^-]{0,19}$)"
)
_DASHES = re.compile(r"[-‐‑‒–—―]+")
_QUOTES = str.maketrans({"′": "'", "’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "″": '"'})
_OPENING = 8  # characters a heading must have to be the headline as the opening of the whole <title>
_MIN_MATCH = 0.6  # of the page's own title a heading must repeat (or it of the heading) to be the headline
_OTHER_PART = 0.9  # a heading that repeats another part of the <title> ranks below one that repeats its own


def plain(text: str) -> str:
    """Text without pinyin readings, its white space as single spaces."""
    return normalize(_READING.sub("", text))


def comparable(text: str) -> str:
    """Text as two titles are compared: no pinyin readings, no white space, one dash for any run of dashes
    (a <title> writes ``-`` where the headline has ``——``), one apostrophe and one quote mark for their kinds
    (``Germany′s``, ``Germany's``)."""
    return _DASHES.sub("-", re.sub(r"\s+", "", _READING.sub("", text))).translate(_QUOTES)


def own_part(title: str) -> str:
    """The page's own part of a <title>: before the category and the site's name (``標題 - 国内 - 新浪网``)."""
    parts = [p.strip() for p in _TITLE_PARTS.split(title) if p and p.strip()]
    return parts[0] if parts else title.strip()


def headline(title: str, body, near=None, nav=frozenset()):
    """The heading that is the page's headline, or None.

    It repeats the page's own part of the <title>, else its last part (``某某網 - 通知``), never a middle
    one (a category: ``標題 | Germany | DW``), and is not in
    the page's navigation (``nav``: a set of elements); ``near``: the body's first block, for ties.
    """
    parts = [comparable(p) for p in _TITLE_PARTS.split(title) if p and p.strip()]
    if not parts:
        return None
    # The page's own part, else the last (a site that puts its name first); a middle part is a category.
    wanted = parts[:1] + parts[-1:] if len(parts) > 1 else parts
    whole = comparable(title)
    best, best_key = None, None
    for el in body.iter(*HEADING_TAGS):
        if el in nav:
            continue
        have = comparable(headline_text(el))
        if not have:
            continue
        for rank, want in enumerate(wanted):
            score = _match(have, want) * (1 if rank == 0 else _OTHER_PART)
            if rank == 0 and len(have) >= _OPENING and whole.startswith(have):
                score = max(score, _OTHER_PART)  # the <title>'s opening, whatever joins it to the rest (：, ｜)
            if score < _MIN_MATCH:
                continue
            distance = abs((el.sourceline or 0) - (near.sourceline or 0)) if near is not None else 0
            key = (score, -distance)
            if best_key is None or key > best_key:
                best, best_key = el, key
    if best is None:
        best = _titled_block(parts[0], body, near, nav)
    return best if best is not None else _lone_h1(parts[0], body, near, nav)


_SHARED_MIN = 4  # characters in a row a rewritten headline shares with the <title> (``Dow sinks 1,``)


def _lone_h1(own: str, body, near, nav):
    """Where nothing repeats the title (a headline rewritten after the <title> was set): the page's only
    <h1> of six characters or more outside the navigation and links (not a linked logo), above the body, at least half
    as long as the <title>'s own part, not a piece of it, and sharing four characters in a row with it (a
    site's name in an <h1> is none of these)."""
    found = [el for el in body.iter("h1") if el not in nav and len(comparable(text_of(el))) >= _TITLED_MIN
             and _unlinked(el)]
    if len(found) != 1 or near is None or (found[0].sourceline or 0) > (near.sourceline or 0):
        return None
    have = comparable(text_of(found[0]))
    if have in own or 2 * len(have) < len(own):
        return None  # a piece of the title (a site's name: 县人民医院 in 县人民医院新门诊大楼启用) is not its headline
    shared = SequenceMatcher(None, have, own, autojunk=False).find_longest_match(0, len(have), 0, len(own)).size
    return found[0] if shared >= _SHARED_MIN else None


def _unlinked(el) -> bool:
    """Neither a link nor in one, nor holding one: a logo's or a list item's text is no headline."""
    return next(el.iter("a"), None) is None and not inside(el, "a")


_TITLED_TAGS = ("div", "p", "td", "span", "strong", "b", "font")
_TITLED_MIN = 6  # characters of the title a block must be, whole, to be the headline with no heading's tag
_TITLED_SPAN = 4  # a block's text with its white space (and scripts) may be this many times the title's length


def _titled_block(own: str, body, near, nav):
    """Without a heading that repeats the title: the block whose whole text is the <title>'s own part, no link
    and not in the navigation (a government CMS's ``div.title``), the nearest to the body."""
    if len(own) < _TITLED_MIN:
        return None
    # (The length of all its text, scripts' too, first: lxml gives it fast, and most blocks are far longer.)
    found = [el for el in body.iter(*_TITLED_TAGS) if el not in nav and len(string_of(el)) <= _TITLED_SPAN * len(own)
             and comparable(text_of(el)) == own and _unlinked(el)]
    # The outermost of nested ones (a <div> around its <strong>), the nearest to the body.
    nested = set(found)
    found = [el for el in found if not any(a in nested for a in el.iterancestors())]
    if near is None:
        return found[0] if found else None
    return min(found, key=lambda el: abs((el.sourceline or 0) - (near.sourceline or 0)), default=None)


def _match(have: str, want: str) -> float:
    """How much of one text the other repeats: 1 when they are the same."""
    if not have or not want:
        return 0.0
    if have == want:
        return 1.0
    if have in want:
        return len(have) / len(want)
    if want in have:
        return len(want) / len(have)
    return 0.0


def headline_text(el, title: str = "") -> str:
    """A heading's own text: without a byline (date, source, author) nested in it, nor what a nested element
    adds after the page's own title (a 播报文章 button)."""
    nested = [d for d in el.iterdescendants() if isinstance(d.tag, str) and is_byline(text_of(d))]
    if nested:
        skip = under(nested)
        text = normalize("".join(text for owner, text in own_texts(el) if owner not in skip))
    else:
        text = text_of(el)
    own = own_part(title) if title else ""
    if own and len(comparable(own)) < len(comparable(text)) and comparable(text).startswith(comparable(own)):
        mine = comparable(own)
        nested = (comparable(text_of(d)) for d in el.iterdescendants() if isinstance(d.tag, str))
        tail = "".join(t for t in nested if mine not in t)  # what nested elements add, not holding the title
        if comparable(text)[len(mine):] in tail:
            return own  # the rest is a nested element's: a button or a label, not the headline
    return text
