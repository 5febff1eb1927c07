"""The site's own ways in beyond its listings: the sitemaps robots.txt names (or /sitemap.xml), and its feeds.

Pure reading, with Scrapy's own sitemap utilities: what a robots.txt, a
sitemap (an index, a ``.gz`` member, a news sitemap) or an RSS/Atom feed lists.
What is done with the URLs is the spider's: each one fetched decides its own
kind, as any page does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.http import Request, Response
from scrapy.selector import Selector
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.downloadermiddlewares.conditional import UNCHANGED_FLAG
from crawler.page.kind import OTHER
from crawler.page.links import NAVIGATION
from crawler.site import on_site
from crawler.spiders.output import reports_output
from crawler.spiders.walk import LINK, Trail

REACH_PRIORITY = -3  # after the listings' own requests, the due re-checks (-1) and mirror mode's links (-2)
# A feed the page links: <link rel="alternate" type="application/rss+xml" href="…">, or Atom.
FEED_LINKS = ('//link[contains(@rel, "alternate")][contains(@type, "rss") or contains(@type, "atom")]/@href')


@dataclass(frozen=True)
class Listed:
    """A URL a sitemap or a feed lists, with when the site says it last changed (W3C datetime), if it says."""

    url: str
    lastmod: str | None = None


def sitemaps_of_robots(response: Response) -> list[str]:
    """The sitemaps a robots.txt names, or the site's /sitemap.xml when it names none."""
    return list(sitemap_urls_from_robots(response.body, base_url=response.url)) or [urljoin(response.url,
                                                                                            "/sitemap.xml")]


def read_sitemap(response: Response, max_size: int) -> tuple[list[str], list[Listed]]:
    """A sitemap's (sitemaps, pages): the sitemaps an index names, or the pages a urlset lists. ValueError when
    the response is no sitemap."""
    body = response.body
    if gzip_magic_number(response):
        body = gunzip(body, max_size=max_size)
    if not body.lstrip().startswith(b"<"):
        raise ValueError("not XML")
    sitemap = Sitemap(body)
    if sitemap.type == "sitemapindex":
        return [entry["loc"] for entry in sitemap if entry.get("loc")], []
    if sitemap.type == "urlset":
        return [], [Listed(entry["loc"], entry.get("lastmod")) for entry in sitemap if entry.get("loc")]
    raise ValueError(f"a <{sitemap.type}>, not a sitemap")


def read_feed(response: Response) -> list[Listed]:
    """The entries an RSS or Atom feed lists: their links and dates. Links are all a crawl needs of a feed, so
    Scrapy's own XML selector reads it (lxml), with no feed library."""
    xml = Selector(response, type="xml")
    xml.remove_namespaces()
    entries = [Listed(link.strip(), None) for link in xml.xpath("//item/link/text()").getall() if link.strip()]
    for entry in xml.xpath("//entry"):
        href = entry.xpath('link[not(@rel) or @rel="alternate"]/@href').get()
        if href:
            entries.append(Listed(urljoin(response.url, href), entry.xpath("updated/text()").get()))
    return entries


class SiteReach:
    """The spider's callbacks for the ways in beyond the listings (SITEMAPS, SITE_FEEDS, and the start page's menu).

    Every URL they list that lies on the site is fetched as a link, after the
    listings' own requests, and decides its own kind. In an incremental crawl a
    known complete article is fetched again only when it is due, or when the
    sitemap's ``lastmod`` is newer than its last check. What was listed, skipped
    and found is counted under ``reach/``.
    """

    def _reach_start(self) -> Iterator[Request]:
        """With SITEMAPS, the sitemaps robots.txt names: read from the robots.txt Scrapy fetches anyway
        (ROBOTSTXT_OBEY), or fetched for them when it does not."""
        if not self.settings.getbool("SITEMAPS"):
            return
        self._robots_read = False
        self.crawler.signals.connect(self._robots_received, signals.response_received)
        if not self.settings.getbool("ROBOTSTXT_OBEY"):
            yield Request(urljoin(self.start_url, "/robots.txt"), callback=self.parse_robots,
                          errback=self.reach_failed, priority=REACH_PRIORITY)

    def _robots_received(self, response: Response, request: Request) -> None:
        if self._robots_read or urlsplit(response.url).path != "/robots.txt" or not on_site(response.url,
                                                                                            self.allowed_domains):
            return
        self._robots_read = True
        for sitemap in self._sitemaps_of(response):
            self.crawler.engine.crawl(sitemap)

    @reports_output
    def parse_robots(self, response: Response) -> Iterator[Request]:
        yield from self._sitemaps_of(response)

    def _sitemaps_of(self, response: Response) -> Iterator[Request]:
        """The sitemaps robots.txt names, or the site's /sitemap.xml when it names none (or there is none)."""
        urls = sitemaps_of_robots(response) if response.status == 200 else [urljoin(response.url, "/sitemap.xml")]
        for url in urls:
            if on_site(url, self.allowed_domains):
                yield self._sitemap_request(url)

    def _sitemap_request(self, url: str) -> Request:
        # meta "sitemap": read before, it is asked for only if it changed (crawler.downloadermiddlewares.conditional)
        return Request(url, callback=self.sitemap_read, errback=self.reach_failed, priority=REACH_PRIORITY,
                       meta={"sitemap": True})

    def _reach_from_start_page(self, response: Response, page) -> Iterator[Request]:
        """The start page's feeds, and when it has no list of its own (it reads as other), its menu's links."""
        if self.settings.getbool("SITE_FEEDS"):
            for href in response.xpath(FEED_LINKS).getall():
                url = response.urljoin(href)
                if on_site(url, self.allowed_domains):
                    yield Request(url, callback=self.feed_read, errback=self.reach_failed, priority=REACH_PRIORITY)
        if page.kind == OTHER:
            menu = [url for url, reason in page.skipped_links if reason == NAVIGATION]
            yield from self._candidates([Listed(url) for url in menu], "menu")

    @reports_output
    def sitemap_read(self, response: Response) -> Iterator[Request]:
        stats = self.crawler.stats
        if UNCHANGED_FLAG in response.flags:
            return  # a sitemap of pages as it was when last read whole: every URL it lists was fetched then
        try:
            sitemaps, pages = read_sitemap(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except ValueError as exc:
            stats.inc_value("reach/sitemap/unreadable")
            self.logger.info("Not a sitemap: %s (%s)", response.url, exc)
            return
        stats.inc_value("reach/sitemap/files")
        for url in sitemaps:
            if on_site(url, self.allowed_domains):
                yield self._sitemap_request(url)
        yield from self._candidates(pages, "sitemap")
        if pages and self.listing_walk is not None:
            self.listing_walk.sitemap_read(response)

    @reports_output
    def feed_read(self, response: Response) -> Iterator[Request]:
        try:
            entries = read_feed(response)
        except ValueError as exc:
            self.crawler.stats.inc_value("reach/feed/unreadable")
            self.logger.info("Not a feed: %s (%s)", response.url, exc)
            return
        self.crawler.stats.inc_value("reach/feed/files")
        yield from self._candidates(entries, "feed")

    @reports_output
    def reach_failed(self, failure: Failure) -> Iterator[Request]:
        """A sitemap or feed that could not be had: counted; no article is missing for it."""
        self.crawler.stats.inc_value("reach/failed")
        self.logger.info("Not fetched: %s (%s)", failure.request.url, failure.getErrorMessage())
        yield from ()

    def _candidates(self, listed: list[Listed], via: str) -> Iterator[Request]:
        """The URLs a sitemap, a feed or the menu lists that are the site's, and to be fetched now."""
        stats = self.crawler.stats
        for entry in listed:
            if not on_site(entry.url, self.allowed_domains):
                stats.inc_value(f"reach/{via}/offsite")
                continue
            stats.inc_value(f"reach/{via}/urls")
            if self.listing_walk is not None and not self.listing_walk.wanted(entry.url, entry.lastmod):
                stats.inc_value(f"reach/{via}/known")  # known, checked lately, and not changed since by its date
                continue
            request = self._request(entry.url, Trail(LINK)).replace(priority=REACH_PRIORITY)
            request.meta["first_page"] = True  # a known article's: asked for only if it changed
            request.meta["reach"] = via
            yield request
