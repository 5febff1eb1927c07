"""The page bar: ``上一頁 [1] [2] … 下一頁``, found by its words and numbers, never by CSS class or URL.

The one list of page words lives here; cleaning uses it to drop a bar that
was left in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.page.markup import normalize, own_texts, string_of
from crawler.site import canonicalize_url
from crawler.text.pagewords import BAR_WORD, FIRST_WORDS, LAST_WORDS, NEXT_WORDS, PAGE_WORDS, PREV_WORDS

_NUMBER = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
_TOTAL = re.compile(r"共\s*(\d{1,4})\s*[頁页]")
_LABEL_DECORATION = "<>«»‹›【】·| "
_BAR_NOISE = re.compile(PAGE_WORDS + r"|共\s*\d+\s*[頁页]|\[?\s*\d+\s*\]?|[\s\u3000\xa0:：|….\-<>«»‹›【】·/]")
# No page bar is longer than this, even one listing a hundred page numbers.
_BAR_MAX_CHARS = 800


@dataclass
class PageBar:
    """A page's place in its chain of pages, as its page bar shows it."""

    current: int | None = None
    total: int | None = None
    numbered: dict[int, str] = field(default_factory=dict)  # the other pages the bar links, by number
    prev_url: str | None = None
    next_url: str | None = None
    first_url: str | None = None
    last_url: str | None = None

    @property
    def is_last(self) -> bool:
        return self.next_url is None

    def urls(self) -> set[str]:
        """Every page the bar links to."""
        return {u for u in (self.prev_url, self.next_url, self.first_url, self.last_url, *self.numbered.values()) if u}


def find_bar(
    texts: list[tuple[object, str]], url: str, urljoin: Callable[[str], str | None]
) -> tuple[object | None, PageBar | None]:
    """The page bar's element and what it says, or (None, None) when the page has none.

    ``texts`` are the page's (owner, text) pairs, from ``markup.own_texts``.
    """
    # Every page word holds 頁 or 页: a test of two characters spares the pattern most texts.
    candidates = (owner for owner, text in texts if ("頁" in text or "页" in text) and BAR_WORD.search(text))
    for owner in dict.fromkeys(candidates):
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
    text = string_of(el)  # script text too: a bar holds none
    return len(text) <= _BAR_MAX_CHARS and not _BAR_NOISE.sub("", text)


def _read_bar(bar_root, url: str, urljoin: Callable[[str], str | None]) -> PageBar | None:
    here = canonicalize_url(url)
    bar = PageBar()
    plain_numbers: list[int] = []
    has_link = False
    for owner, text in own_texts(bar_root):
        # The link holding the text: its owner, else the nearest above it (lxml picks the <a> ancestors).
        link = owner if owner.tag == "a" and owner.get("href") else next(
            (a for a in owner.iterancestors("a") if a.get("href")), None)
        label = normalize(text).strip(_LABEL_DECORATION)
        if link is None:
            if total := _TOTAL.search(label):
                bar.total = int(total.group(1))
            plain_numbers += [int(m.group(1)) for m in map(_NUMBER.match, _TOTAL.sub("", label).split(" ")) if m]
            continue
        href = link.get("href").strip()
        if href.lower().startswith(("javascript:", "mailto:")):
            continue
        target = urljoin(href)
        if target is None:
            continue
        has_link = True
        if label in PREV_WORDS:
            bar.prev_url = target
        elif label in NEXT_WORDS:
            bar.next_url = target
        elif label in FIRST_WORDS:
            bar.first_url = target
        elif label in LAST_WORDS:
            bar.last_url = target
        elif number := _NUMBER.match(label):
            n = int(number.group(1))
            if canonicalize_url(target) == here:
                plain_numbers.append(n)
            else:
                bar.numbered[n] = target
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
    by_url = {canonicalize_url(u): n for n, u in bar.numbered.items()}
    if bar.prev_url and canonicalize_url(bar.prev_url) in by_url:
        return by_url[canonicalize_url(bar.prev_url)] + 1
    if bar.next_url and canonicalize_url(bar.next_url) in by_url:
        return by_url[canonicalize_url(bar.next_url)] - 1
    if bar.prev_url is None and bar.next_url is not None:
        return 1
    return None
