"""The listing walk of an incremental crawl: a scheduled re-run costs what is new, not what the site holds.

Listings are walked newest first, one page after the other; once
LISTING_STOP_AFTER pages in a row hold only known articles (the same URL and
title as last time, known complete), no further page of that listing is
fetched. A known article is fetched again only when its listing shows a
change (a new title, a place higher up), when its last check is older than
RECHECK_AFTER, or when it was incomplete; those not on the pages walked are
re-checked from the state file when due. A listing page last fetched longer
than RECHECK_AFTER ago is walked to all the same, so an article a wrong guess
of the order hid is found within that time.

RECHECK = "due" (the default) does all of this; "first" fetches every listing
page and every known article's first page, every run; "all" fetches every page
(``crawler.downloadermiddlewares.conditional``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.page.links import Item
from crawler.page.pagebar import PageBar
from crawler.site import on_site
from crawler.state.rows import ArticleState, older_than

_DATE = re.compile(r"(?:(\d{4})\s*[-/年.]\s*)?(\d{1,2})\s*[-/月.]\s*(\d{1,2})")


@dataclass(frozen=True)
class Chain:
    """One listing's walk so far, from the listing page it began at, one next page after the other.

    It travels with the request for the next page (``meta["listing_chain"]``), so the walk reads the same
    whichever process fetches that page: a resumed crawl's, or another worker's of a shared one.
    How many pages in a row held only known articles, and the oldest date of the last page.
    """

    start: str
    known_in_a_row: int = 0
    oldest: tuple | None = None
    newest_first: bool = True
    pages: int = 0
    walked_due: bool = False  # walked past the known to the end, its pages being due (RECHECK_AFTER)


@dataclass
class Visit:
    """What to do after a listing page: the items to fetch (URL, title, rank), the listing pages to walk on to,
    and the walk so far, for them to carry."""

    chain: Chain
    fetch: list[tuple[str, str, int]] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)


class ListingWalk:
    """Stop at the known: which items of a listing page to fetch, and whether to walk on (RECHECK = "due")."""

    def __init__(self, crawler, state: ArticleState):
        self.crawler = crawler  # its stats are there once the crawl starts, after the spider is built
        self.state = state
        self.stop_after = crawler.settings.getint("LISTING_STOP_AFTER")
        self.recheck_after = crawler.settings.getfloat("RECHECK_AFTER")
        self.sitemaps: list[tuple[str, str | None, str | None, bytes]] = []  # read in this run, kept when it finishes

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if settings.get("RECHECK") != "due" or settings.getbool("WRITE_UNCHANGED"):
            raise NotConfigured  # every listing page and known article is fetched, as in a first run
        return cls(crawler, ArticleState.of(crawler))

    def due(self, domains: list[str]) -> list[str]:
        """Known articles of the site (``domains``) to fetch whether or not a listing walked shows them: incomplete,
        not checked lately, or never written. Another site's, in the same state file, are not this crawl's."""
        urls = [url for url in self.state.due(older_than(self.recheck_after)) if on_site(url, domains)]
        self.crawler.stats.inc_value("articles/recheck_due", len(urls))
        return urls

    def sitemap_read(self, response: Response) -> None:
        """A sitemap of pages read whole now: its validators are kept once the run finishes (``finished``), so
        that a run cut short reads it again next time, and no URL it lists is skipped unfetched."""
        headers = response.headers
        self.sitemaps.append((response.url, headers.get("ETag", b"").decode("latin-1") or None,
                              headers.get("Last-Modified", b"").decode("latin-1") or None, response.body))

    def finished(self) -> None:
        """The run finished: every URL of the sitemaps read was fetched or known."""
        for url, etag, last_modified, body in self.sitemaps:
            self.state.sitemap_read(url, etag, last_modified, body)

    def wanted(self, url: str, lastmod: str | None) -> bool:
        """Whether a URL a sitemap or a feed lists is to be fetched: not known as a complete article, due for its
        re-check, or changed since its last check by the date the site gives (``lastmod``, W3C datetime)."""
        known = self.state.known(url)
        if known is None or not known.complete or self.state.checked_before(known, older_than(self.recheck_after)):
            return True
        changed = _moment(lastmod)
        return changed is not None and changed > datetime.fromisoformat(known.last_checked)

    def read(self, chain: Chain | None, url: str, bar: PageBar | None, items: list[Item]) -> Visit:
        """A listing page reached by the walk ``chain`` (None: the walk begins here): its items to fetch, and the
        next page to walk to unless the walk stops here."""
        chain = chain or Chain(url)
        number = (bar.current if bar else None) or chain.pages + 1
        fetch, only_known = [], True
        for index, item in enumerate(items):
            rank = number * 1000 + index
            known, listed = self.state.known(item.url), self.state.listed(item.url)
            shown_as_before = listed is not None and listed.title == item.title and rank >= listed.rank
            if known is None or not known.complete or not shown_as_before:
                only_known = False  # new, incomplete, or changed on the listing: fetched now
                fetch.append((item.url, item.title, rank))
            elif self.state.checked_before(known, older_than(self.recheck_after)):
                fetch.append((item.url, item.title, rank))  # known, unchanged, and due for a re-check
            else:
                self.crawler.stats.inc_value("articles/skipped_recent")
        self.state.listing_read(url, [(item.url, item.title) for item in items])
        chain = self._check_order(replace(chain, pages=chain.pages + 1), items)
        chain = replace(chain, known_in_a_row=chain.known_in_a_row + 1 if only_known else 0)
        next_url = bar.next_url or bar.numbered.get(number + 1) if bar else None
        at_the_known = chain.newest_first and chain.known_in_a_row >= self.stop_after
        if next_url and at_the_known and (
                chain.walked_due or self.state.listing_fetched_before(next_url, older_than(self.recheck_after))):
            # Walked on to the end all the same once RECHECK_AFTER passed: what a wrong guess of the order hid is found.
            chain = replace(chain, walked_due=True)
            self.crawler.stats.inc_value("listings/walked_due")
        elif next_url and at_the_known:
            self.crawler.stats.set_value("listings/stopped_at", url)
            self.crawler.stats.inc_value("listings/stopped")
            self.crawler.spider.logger.info(
                "Listing walk stopped at %s: %d page(s) in a row held only known articles (LISTING_STOP_AFTER)",
                url, chain.known_in_a_row,
            )
            return Visit(chain, fetch)
        return Visit(chain, fetch, [next_url] if next_url else [])

    def _check_order(self, chain: Chain, items: list[Item]) -> Chain:
        """Newest first or not, from the rows' dates: on this page, and against the last page's oldest."""
        dates = [d for d in (_date(item.date) for item in items) if d]
        older_first = len(dates) >= 2 and len(dates[0]) == len(dates[-1]) and dates[0] < dates[-1]
        newer_below = chain.oldest and any(d > chain.oldest for d in dates if len(d) == len(chain.oldest))
        if chain.newest_first and (older_first or newer_below):
            chain = replace(chain, newest_first=False)
            self.crawler.stats.inc_value("listings/not_newest_first")
            self.crawler.spider.logger.info(
                "Listing %s is not ordered newest first (by the dates of its rows): all its pages are walked",
                chain.start,
            )
        return replace(chain, oldest=min(dates) if dates else chain.oldest)


def _moment(w3c: str | None) -> datetime | None:
    """A sitemap's W3C datetime (``2023-06-28``, ``2023-06-28T09:12:00+08:00``), in UTC when it has no zone."""
    try:
        moment = datetime.fromisoformat((w3c or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _date(text: str | None) -> tuple | None:
    """A list row's date as a comparable tuple: (year, month, day), or (month, day) when the year is not shown."""
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = match.groups()
    return (int(year), int(month), int(day)) if year else (int(month), int(day))


