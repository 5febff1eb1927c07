"""The walk through an article's pages: pure functions from what one page shows to what comes next.

Each request carries a small frozen ``Trail`` (what the page that linked it
knew). ``walk_page`` takes an article page's URL, its page bar and its trail,
and answers where the page is filed (article key and page number), which pages
to fetch next, and what it dropped and why (a loop, pages beyond the limit).
``walk_failure`` answers the same for a page that could not be had. The spider
only turns these answers into requests and items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.page.pagebar import PageBar
from crawler.site import canonicalize_url, on_site, same_page

# Why a page is asked for: it decides what a failure of that page means.
ITEM = "item"  # an article link of a listing: taken to be an article's first page
ARTICLE_PAGE = "article page"  # linked by an article's page bar
LISTING_PAGE = "listing page"  # linked by a listing's page bar
LINK = "link"  # the start URL, or any other link (mirror mode): its kind is not known before it comes


@dataclass(frozen=True)
class LostPage:
    """A page of an article that could not be had, filed when the article's key is known."""

    number: int
    url: str
    reason: str


@dataclass(frozen=True)
class Trail:
    """What a request knows about its page from the page that linked it."""

    role: str = LINK
    article_url: str | None = None  # the article's key, when the linking page knew it
    page_number: int | None = None  # the number the linking page gave this page
    waiting: tuple[str, ...] = ()  # later pages reached first, waiting until page 1 is found
    lost: tuple[LostPage, ...] = ()  # pages lost on a broken walk back, filed with this page
    requested: frozenset[int] = frozenset()  # page numbers this article's chain has asked for


@dataclass(frozen=True)
class Follow:
    """A page to fetch next. ``again``: it was fetched already and must be fetched once more."""

    url: str
    trail: Trail
    again: bool = False


@dataclass(frozen=True)
class Filed:
    """Where an article page goes: its article, its number, and what its bar says of the others."""

    article_url: str
    number: int
    url: str
    others: dict[int, str]
    is_last: bool
    total: int | None


@dataclass
class Step:
    """What to do after one article page: file it (or walk back first), fetch more, record drops."""

    filed: Filed | None = None  # None: page 1 must be found first; this page waits in the trail
    follow: list[Follow] = field(default_factory=list)
    lost: list[tuple[str, LostPage]] = field(default_factory=list)  # (article key, page) to file as failed
    loop: bool = False  # a 下一頁 back to an earlier page, not followed
    cut: int = 0  # pages beyond MAX_ARTICLE_PAGES, not followed


def article_key(url: str, canonical: str | None, bar: PageBar | None, trail: Trail, domains: list[str]) -> str:
    """The URL an article page is filed under: its <link rel=canonical> when that names this page
    elsewhere on the site, else its own.

    A canonical is not trusted when it names the site's home page or another page
    of the same article (a common mistake: every page pointing to page 1).
    """
    if not canonical or same_page(canonical, url) or not on_site(canonical, domains):
        return url
    if urlsplit(canonical).path.strip("/") in ("", "index.html", "index.htm", "index.php"):
        return url
    siblings = (bar.urls() if bar else set()) | ({trail.article_url} if trail.article_url else set())
    if any(same_page(canonical, other) for other in siblings):
        return url
    return canonical


def walk_page(url: str, bar: PageBar | None, trail: Trail, max_pages: int) -> Step:
    """File an article page, and choose the pages its bar leads to."""
    step = Step()
    number = (bar.current if bar else None) or trail.page_number or 1
    if number > max_pages:
        step.cut = 1  # reached by a link from elsewhere, beyond the limit: not filed
        return step
    others = dict(bar.numbered) if bar else {}
    if bar and bar.prev_url and number > 1:
        others.setdefault(number - 1, bar.prev_url)
    next_url = bar.next_url if bar else None
    if next_url and canonicalize_url(next_url) in {canonicalize_url(u) for n, u in others.items() if n < number}:
        step.loop = True
        next_url = None
    if next_url:
        others.setdefault(number + 1, next_url)
    others.pop(number, None)
    beyond = [n for n in others if n > max_pages]
    for n in beyond:
        del others[n]
    if number >= max_pages and (beyond or (bar and bar.total and bar.total > max_pages)):
        # A 下一頁 without end (a trap), or an article longer than allowed: cut here.
        step.cut = max(len(beyond), (bar.total or 0) - max_pages if bar else 0)
        next_url = None
    # The key of the page that linked here wins, so that every page of one
    # article is filed under the same key however it was reached.
    first = trail.article_url or (url if number == 1 else others.get(1) or (bar.first_url if bar else None))
    if first is None and number - 1 in others:
        # A later page whose bar does not reach page 1 (a window of numbers): walk
        # back until a page names it, then come back for this one. Page numbers
        # only go down, so the walk ends.
        back = Trail(ARTICLE_PAGE, page_number=number - 1, waiting=(*trail.waiting, url))
        step.follow.append(Follow(others[number - 1], back))
        return step
    first = first or url
    total = min(bar.total, max_pages) if bar and bar.total else None
    step.filed = Filed(first, number, url, others, next_url is None, total)
    step.lost = [(first, lost) for lost in trail.lost]
    # Every page's bar links most of the others: a page asks only for those that
    # the pages before it in this chain did not, so the dupefilter sees one
    # request per page rather than one per link.
    asked = trail.requested | {number, *others}
    for n, other in others.items():
        if n not in trail.requested:
            step.follow.append(Follow(other, Trail(ARTICLE_PAGE, first, n, requested=asked)))
    for waiting in trail.waiting:
        step.follow.append(Follow(waiting, Trail(ARTICLE_PAGE, first), again=True))
    return step


def walk_failure(url: str, reason: str, trail: Trail) -> Step:
    """What a page that could not be had means for its article, if it belongs to one."""
    step = Step()
    if trail.waiting:
        # The walk back to page 1 broke off: file the article under the page the
        # crawl reached first, and fetch the pages that were waiting.
        lost = (LostPage(trail.page_number or 1, url, reason),)
        for i, waiting in enumerate(trail.waiting):
            step.follow.append(Follow(waiting, Trail(ARTICLE_PAGE, trail.waiting[0], lost=lost if i == 0 else ()),
                                      again=True))
        return step
    if trail.role in (ITEM, ARTICLE_PAGE):
        # A page linked as an article is taken to be its first page.
        key = trail.article_url or url
        step.lost = [(key, LostPage(trail.page_number or 1, url, reason))]
        step.lost += [(key, lost) for lost in trail.lost]
    return step
