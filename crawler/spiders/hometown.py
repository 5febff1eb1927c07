"""The hometown spider: which links to follow. Parsing, the article walk and cleaning happen elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.downloadermiddlewares.conditional import UNCHANGED_FLAG
from crawler.downloadermiddlewares.drain import StoppedBeforeFetch
from crawler.items import PageItem
from crawler.page.kind import suspect
from crawler.page.parse import ARTICLE, LISTING, OTHER, Extraction, ParsedPage, not_a_page, parse_page
from crawler.signals import job_joined, page_classified, page_suspect, site_landed
from crawler.site import site_domain
from crawler.spiders.output import reports_output
from crawler.spiders.reach import SiteReach
from crawler.spiders.walk import (
    ARTICLE_PAGE,
    ITEM,
    LINK,
    LISTING_PAGE,
    Follow,
    LostPage,
    Step,
    Trail,
    article_key,
    walk_failure,
    walk_page,
)
from crawler.state.listing_walk import Chain, ListingWalk

DEFAULT_START_URL = "http://www.xiangtianlong.com/"
ARTICLE_PRIORITY = 2  # above a listing walk's pages (1), new articles (0) and due re-checks (-1)
MIRROR_PRIORITY = -2  # the links only mirror mode follows: last
START = Trail(LINK)
# A mirror is the whole site as it is now: every link followed, every page fetched (no state of earlier runs).
MIRROR_SETTINGS = {"FOLLOW_ALL_LINKS": True, "STATE_FILE": ""}
REPLAY_SETTINGS = {
    "STATE_FILE": "",
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


class HometownSpider(SiteReach, scrapy.Spider):
    """Crawl listing pages and whole articles, following page bars by their words and numbers.

    Arguments (``-a``): ``start_url`` (a listing page, an article's first page or
    any later page of it; default the site's home page), ``replay`` (a folder
    of saved pages or a WARC file to crawl instead of the network; sets
    REPLAY_SOURCE), ``full=1`` (write every article, unchanged ones too; sets
    WRITE_UNCHANGED) and ``recheck=due|first|all`` (how a re-run re-checks what
    it knows; sets RECHECK). With REDIS_URL the crawl is shared (crawler.distributed.job):
    a worker given ``start_url`` seeds the job, one without joins it.
    """

    name = "hometown"

    def __init__(self, start_url: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.given_start_url = start_url  # a shared crawl's worker given none joins the job (signal job_joined)
        self.seeds = True  # the start request is this process's to make (a shared crawl's joiner: not)
        self._start_at(start_url or DEFAULT_START_URL)

    def _start_at(self, start_url: str) -> None:
        host = urlsplit(start_url).hostname
        if not host:
            raise ValueError(f"start_url must be an absolute http(s) URL, not {start_url!r}")
        self.start_url = start_url
        # The site: the start URL's host, its www./bare twin (and their subdomains,
        # as Scrapy's offsite filter reads allowed_domains), and where the start URL lands.
        self.allowed_domains = [site_domain(host)]

    def closed(self, reason: str) -> None:
        if reason == "finished" and self.listing_walk is not None:
            self.listing_walk.finished()

    def job_joined(self, start_url: str) -> None:
        """This worker joined a shared crawl's job: the job's site, and its start request is the seeder's."""
        self._start_at(start_url)
        self.seeds = False

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        settings = crawler.settings
        replay = kwargs.pop("replay", None)
        if replay:
            settings.set("REPLAY_SOURCE", replay, priority="spider")
            # A replay reproduces a saved site in full, and as fast as the disk
            # allows: no state (that is the live site's), no politeness delays.
            for name, value in REPLAY_SETTINGS.items():
                settings.set(name, value, priority="spider")
        if settings.get("MIRROR_DIR"):
            for name, value in MIRROR_SETTINGS.items():
                settings.set(name, value, priority="spider")
        recheck = kwargs.pop("recheck", None)
        if recheck is not None:
            if recheck not in ("due", "first", "all"):
                raise ValueError(f'recheck must be "due", "first" or "all", not {recheck!r}')
            settings.set("RECHECK", recheck, priority="spider")
        if str(kwargs.pop("full", "")).lower() in ("1", "true", "yes"):
            settings.set("WRITE_UNCHANGED", True, priority="spider")
        default_feed = settings.get("DEFAULT_FEED")
        if default_feed and not settings.getdict("FEEDS"):
            settings.set("FEEDS", {default_feed: {"format": "jsonlines"}}, priority="spider")
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.job_joined, job_joined)
        spider.extraction = Extraction.from_settings(settings)
        spider.max_article_pages = settings.getint("MAX_ARTICLE_PAGES")
        spider.listing_walk = None
        return spider

    async def start(self) -> AsyncIterator[Request]:
        try:  # here, not in from_crawler: the state is an extension, built after the spider
            self.listing_walk = ListingWalk.from_crawler(self.crawler)
        except NotConfigured:
            self.listing_walk = None  # every listing page and listed article is fetched
        if self.seeds:
            # The sitemaps, found through robots.txt: its reader is listening before the start request goes.
            reach = list(self._reach_start())
            request = self._request(self.start_url, START)
            request.meta["site_entry"] = True  # where it lands after redirects is the site too
            yield request
            for request in reach:
                yield request
        if self.listing_walk and self.seeds:
            # Known articles due for a re-check (or incomplete), wherever they are listed.
            for url in self.listing_walk.due(self.allowed_domains):
                yield self._request(url, Trail(ITEM)).replace(priority=-1)

    def _request(self, url: str, trail: Trail) -> Request:
        # The pages of an article begun come before anything new: an article is finished before others are
        # started, so the pages waiting for their article, and the requests waiting, stay few however large the site.
        priority = ARTICLE_PRIORITY if trail.role == ARTICLE_PAGE or trail.waiting else 0
        request = Request(url, callback=self.parse, errback=self.page_failed, cb_kwargs={"trail": trail},
                          priority=priority)
        if trail.role == ITEM or (trail.role == ARTICLE_PAGE and trail.page_number == 1):
            request.meta["first_page"] = True  # an article's first page: the incremental state checks it
        return request

    @reports_output
    def parse(self, response: Response, trail: Trail = START) -> Iterator[Any]:
        """Any page: its kind, from the page alone, decides what is done with it."""
        stats = self.crawler.stats
        if response.meta.get("site_entry"):
            self._land(response.url)
        if UNCHANGED_FLAG in response.flags:
            return  # a known article whose first page has not changed
        if not isinstance(response, TextResponse) or not response.body.strip():
            reason = "empty page" if not response.body.strip() else "not a text page"
            yield from self._failed(response.request, reason, trail)
            return
        if not_a_page(response):
            # A feed, a sitemap or any XML: saved in mirror mode like every response, never read as a page.
            stats.inc_value("pages/not_html")
            self.logger.debug("Not an HTML page (a feed or other XML): %s", response.url)
            if trail.role == ARTICLE_PAGE or trail.waiting:
                yield from self._failed(response.request, "not an HTML page", trail)
            return
        try:
            page = parse_page(response, self.extraction)
        except Exception as exc:  # one bad page must not stop the crawl or lose its article
            self.logger.exception("Cannot parse %s", response.url)
            yield from self._failed(response.request, f"cannot parse: {exc}", trail)
            return
        stats.inc_value("pages/fetched")
        stats.inc_value(f"pages/{page.kind}")
        if suspect(page.kind, page.prose_chars):
            stats.inc_value("pages/suspect")
            self.logger.warning("Suspect: %s reads as %s with %d characters of prose; see why with "
                                "scrapy explain %s", page.url, page.kind, page.prose_chars, page.url)
            self.crawler.signals.send_catch_log(page_suspect, url=page.url, kind=page.kind,
                                                prose_chars=page.prose_chars)
        if response.meta.get("site_entry"):
            yield from self._reach_from_start_page(response, page)
        if page.kind == ARTICLE and response.meta.get("reach"):
            stats.inc_value(f"reach/{response.meta['reach']}/articles")  # first reached that way, not by a listing
        elif page.kind == OTHER and response.meta.get("reach"):
            stats.inc_value("reach/other")  # a site page a sitemap lists (home, about): other by right
        if page.kind == OTHER or (trail.role == ITEM and page.kind != ARTICLE):
            # The surprises, for the run summary to show (counts are in the stats).
            self.crawler.signals.send_catch_log(page_classified, url=page.url, kind=page.kind, role=trail.role)
        if page.kind == ARTICLE:
            yield from self._article_page(page, trail, response.meta.get("canonical_failed", False))
        else:
            if page.kind == LISTING:
                yield from self._follow_listing(page, response.meta.get("listing_chain"))
            else:
                self.logger.info("Other page (neither an article nor a listing): %s", page.url)
            if trail.role == ARTICLE_PAGE or trail.waiting:
                # Linked as a page of an article, but it does not read as one: the article has it missing.
                yield from self._failed(response.request, f"linked as an article page, but reads as {page.kind}",
                                        trail)
        # Mirror mode: the whole site too, after the links above so that theirs
        # are the requests the dupefilter keeps.
        bar_urls = page.bar.urls() if page.bar else set()
        for url in page.all_links:
            if url not in bar_urls:  # the bar's pages are the walk's to choose (a trap is cut there)
                # After every page a plain crawl asks for: a copy of an article (a print version) comes after it.
                yield self._request(url, Trail(LINK)).replace(priority=MIRROR_PRIORITY)

    def _land(self, url: str) -> None:
        """The start URL arrived here, maybe after redirects: this host is the site too."""
        domain = site_domain(urlsplit(url).hostname or "")
        if domain and domain not in self.allowed_domains:
            self.allowed_domains.append(domain)
            self.crawler.signals.send_catch_log(site_landed, domain=domain)
            self.logger.info("The start URL lands on %s: its pages are on the site too", domain)

    def _follow_listing(self, page: ParsedPage, chain: Chain | None) -> Iterator[Request]:
        """A listing page's items and further pages; ``chain``: the listing walk it was reached by, if any."""
        stats = self.crawler.stats
        for _, reason in page.skipped_links:
            stats.inc_value(f"links/skipped/{reason}")
        if self.listing_walk is None:
            for url in page.bar.urls() if page.bar else ():
                yield self._request(url, Trail(LISTING_PAGE))
            stats.inc_value("links/items", len(page.items))
            for item in page.items:
                yield self._request(item.url, Trail(ITEM))
            return
        # Newest first, one page after the other, stopping at the known (crawler.state.listing_walk).
        visit = self.listing_walk.read(chain, page.url, page.bar, page.items)
        for url in visit.follow:
            request = self._request(url, Trail(LISTING_PAGE)).replace(priority=1)
            request.meta["listing_chain"] = visit.chain
            yield request
        stats.inc_value("links/items", len(visit.fetch))
        for url, title, rank in visit.fetch:
            request = self._request(url, Trail(ITEM))
            request.meta["listed"] = (title, rank)
            yield request

    def _article_page(self, page: ParsedPage, trail: Trail, canonical_failed: bool = False) -> Iterator[Any]:
        url = page.url if canonical_failed else article_key(page.url, page.canonical, page.bar, trail,
                                                              self.allowed_domains)
        if url != page.url:
            self.crawler.stats.inc_value("pages/alias")
            if self._already_asked(url):
                # The same page under its canonical URL is fetched, or will be: this is a duplicate.
                self.crawler.stats.inc_value("pages/duplicate")
                self.logger.debug("%s is %s, fetched under that URL", page.url, url)
                return
            # The canonical page is fetched as itself, and its article walked from it, in every mode: the
            # record is the same whichever URL the crawl reached first, and a mirror holds the canonical pages.
            # Should it fail, the article is read here after all (page_failed).
            request = self._request(url, trail).replace(dont_filter=True)
            request.meta["alias_of"] = page.url
            yield request
            return
        for name, n in page.cut.items():
            self.crawler.stats.inc_value(f"body/cut/{name}", n)
        yield from self._step(walk_page(url, page.bar, trail, self.max_article_pages), page)

    def _already_asked(self, url: str) -> bool:
        """Whether Scrapy's duplicate filter has seen a request for ``url``; it has from now on."""
        return self.crawler.engine.scheduler.df.request_seen(Request(url))

    def _step(self, step: Step, page: ParsedPage | None = None) -> Iterator[Any]:
        stats = self.crawler.stats
        if step.loop:
            stats.inc_value("skipped/loop")
        if step.cut:
            stats.inc_value("skipped/page_limit", step.cut)
            self.logger.warning("Article cut at %s: %d more pages beyond MAX_ARTICLE_PAGES", page.url if page else "",
                                step.cut)
        if step.filed and page is not None:
            filed = step.filed
            yield PageItem(
                article_url=filed.article_url,
                page_number=filed.number,
                url=filed.url,
                content=page.content,
                others=filed.others,
                is_last=filed.is_last,
                total_pages=filed.total,
                requisites=page.requisites,
            )
        for key, lost in step.lost:
            yield _failed_page(key, lost)
        for follow in step.follow:
            yield self._follow(follow)

    def _follow(self, follow: Follow) -> Request:
        request = self._request(follow.url, follow.trail)
        return request.replace(dont_filter=True) if follow.again else request

    @reports_output
    def page_failed(self, failure: Failure) -> Iterator[PageItem | Request]:
        """A request failed after retries: record its page as missing in its article."""
        request = failure.request
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        elif failure.check(StoppedBeforeFetch):
            reason = str(failure.value)
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if request.meta.get("redirect_urls"):
            # Failed somewhere along a redirect: the page is the one that was linked.
            request = request.replace(url=request.meta["redirect_urls"][0])
        trail = request.cb_kwargs.get("trail", START)
        alias = request.meta.get("alias_of")
        if alias and not failure.check(StoppedBeforeFetch):
            # An alias's canonical page could not be had: its article is read at the alias, not lost.
            self.crawler.stats.inc_value("pages/canonical_failed")
            self.logger.warning("Canonical page %s failed (%s): its article is read at %s", request.url, reason, alias)
            retry = self._request(alias, trail).replace(dont_filter=True)
            retry.meta["canonical_failed"] = True
            yield retry
            return
        if failure.check(StoppedBeforeFetch):
            if trail.role != ARTICLE_PAGE and not trail.waiting:
                return  # no page of it was had (a listing, an article not begun): counted in pages/not_fetched
            self.logger.debug("Page not fetched: %s (%s)", request.url, reason)
        else:
            self.logger.warning("Page failed: %s (%s)", request.url, reason)
        yield from self._failed(request, reason, trail)

    def _failed(self, request: Request, reason: str, trail: Trail) -> Iterator[Any]:
        stats = self.crawler.stats
        stats.inc_value("pages/failed")
        if request.meta.get("site_entry"):
            stats.inc_value("pages/failed_start")
        elif trail.role == LISTING_PAGE:
            stats.inc_value("pages/failed_listing")
        elif trail.role == LINK and not trail.waiting:
            stats.inc_value("pages/failed_link")
        yield from self._step(walk_failure(request.url, reason, trail))


def _failed_page(article_url: str, lost: LostPage) -> PageItem:
    return PageItem(article_url=article_url, page_number=lost.number, url=lost.url, failed=lost.reason)
