"""The hometown spider: which links to follow. Parsing and cleaning happen elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..items import PageItem
from ..parsing import ARTICLE, LISTING, Extraction, ParsedPage, canonicalize_url, parse_page
from ..state import ArticleState, KnownArticle, sha256

DEFAULT_START_URL = "http://www.xiangtianlong.com/"
REPLAY_SETTINGS = {
    "STATE_FILE": "",
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


class HometownSpider(scrapy.Spider):
    """Crawl listing pages and whole articles, following page bars by their words and numbers.

    Arguments (``-a``): ``start_url`` (a listing page, an article's first page or
    any later page of it; default the site's home page), ``replay`` (a folder
    of saved pages to crawl instead of the network), ``full=1`` (emit every
    article, unchanged ones too) and ``recheck=all`` (fetch every page of known
    articles, not only their first page).
    """

    name = "hometown"

    def __init__(
        self, start_url: str = DEFAULT_START_URL, full: str = "", recheck: str = "first", *args: Any, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.start_url = start_url
        host = urlsplit(start_url).hostname
        if not host:
            raise ValueError(f"start_url must be an absolute http(s) URL, not {start_url!r}")
        if recheck not in ("first", "all"):
            raise ValueError(f'recheck must be "first" or "all", not {recheck!r}')
        self.allowed_domains = [host]
        self.full = full.lower() in ("1", "true", "yes")
        # Emitting unchanged articles needs their text, so full=1 fetches them all.
        self.recheck_all = recheck == "all" or self.full
        self.article_state: ArticleState | None = None

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        replay = kwargs.pop("replay", None)
        if replay:
            crawler.settings.set("REPLAY_SOURCE", replay, priority="spider")
            # A replay reproduces a saved site in full, and as fast as the disk
            # allows: no state (that is the live site's), no politeness delays.
            for name, value in REPLAY_SETTINGS.items():
                crawler.settings.set(name, value, priority="spider")
        default_feed = crawler.settings.get("DEFAULT_FEED")
        if default_feed and not crawler.settings.getdict("FEEDS"):
            crawler.settings.set("FEEDS", {default_feed: {"format": "jsonlines"}}, priority="spider")
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.extraction = Extraction.from_settings(crawler.settings)
        spider.max_article_pages = crawler.settings.getint("MAX_ARTICLE_PAGES")
        state_file = crawler.settings.get("STATE_FILE")
        if state_file:
            spider.article_state = ArticleState(state_file % {"name": spider.name})
            crawler.signals.connect(spider.article_state.close, signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        yield self._request(self.start_url)

    def _request(self, url: str, **cb_kwargs: Any) -> Request:
        return Request(url, callback=self.parse, errback=self.page_failed, cb_kwargs=cb_kwargs)

    def parse(
        self,
        response: Response,
        kind: str | None = None,
        article_url: str | None = None,
        page_number: int | None = None,
        waiting: tuple[str, ...] = (),
        lost: tuple[tuple[int, str, str], ...] = (),
        requested: frozenset[int] = frozenset(),
        known: KnownArticle | None = None,
    ) -> Iterator[Any]:
        """Any page: a listing's links are followed, an article page becomes a PageItem."""
        stats = self.crawler.stats
        if known and self._unchanged(response, known):
            return
        if not isinstance(response, TextResponse) or not response.body.strip():
            reason = "empty page" if not response.body.strip() else "not a text page"
            yield from self._failed(response.request, reason, **response.request.cb_kwargs)
            return
        try:
            page = parse_page(response, self.extraction, kind)
        except Exception as exc:  # one bad page must not stop the crawl or lose its article
            self.logger.exception("Cannot parse %s", response.url)
            yield from self._failed(response.request, f"cannot parse: {exc}", **response.request.cb_kwargs)
            return
        stats.inc_value("pages/fetched")
        if page.kind == LISTING:
            stats.inc_value("pages/listing")
            yield from self._follow_listing(page)
        else:
            stats.inc_value("pages/article")
            first_page = article_url in (None, response.url) and (page.bar is None or page.bar.current in (None, 1))
            if self.article_state and first_page:
                headers = response.headers
                self.article_state.first_page_fetched(
                    response.url,
                    headers.get("ETag", b"").decode("latin-1") or None,
                    headers.get("Last-Modified", b"").decode("latin-1") or None,
                    response.body,
                )
            yield from self._article_page(page, article_url, page_number, waiting, requested)
            # Pages lost on a broken walk back, filed only now that a page of
            # the article has told how many pages there are.
            yield from _lost_pages(article_url, lost)
        # Mirror mode: the whole site too, after the links above so that theirs
        # are the requests the dupefilter keeps.
        for url in page.links:
            yield self._request(url)

    def _follow_listing(self, page: ParsedPage) -> Iterator[Request]:
        if page.bar:
            for url in {page.bar.prev_url, page.bar.next_url, page.bar.first_url, *page.bar.links.values()}:
                if url:
                    yield self._request(url, kind=LISTING)
        for url in page.article_links:
            known = self.article_state.known(url) if self.article_state and not self.recheck_all else None
            if known and known.complete:
                yield self._recheck_request(url, known)
            else:
                yield self._request(url, kind=ARTICLE)

    def _recheck_request(self, url: str, known: KnownArticle) -> Request:
        """The first page of an article known complete, asked for only if it changed."""
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        request = self._request(url, kind=ARTICLE, known=known)
        return request.replace(headers=headers, meta={"handle_httpstatus_list": [304]})

    def _unchanged(self, response: Response, known: KnownArticle) -> bool:
        """Whether a known article's first page is as it was: 304, or the same bytes."""
        if response.status == 304 or sha256(response.body) == known.first_page_sha256:
            self.article_state.seen_unchanged(known.url)
            self.crawler.stats.inc_value("articles/unchanged")
            self.crawler.stats.inc_value("articles/unchanged_first_page")
            self.crawler.stats.inc_value("pages/skipped_known", max(known.page_count - 1, 0))
            return True
        return False

    def _article_page(
        self,
        page: ParsedPage,
        article_url: str | None,
        page_number: int | None,
        waiting: tuple[str, ...],
        requested: frozenset[int],
    ) -> Iterator[Any]:
        bar = page.bar
        number = (bar.current if bar else None) or page_number or 1
        links = dict(bar.links) if bar else {}
        if bar and bar.prev_url and number > 1:
            links.setdefault(number - 1, bar.prev_url)
        next_url = bar.next_url if bar else None
        if next_url and canonicalize_url(next_url) in {canonicalize_url(u) for n, u in links.items() if n < number}:
            # 下一頁 back to an earlier page: a loop, not a page after this one.
            self.crawler.stats.inc_value("skipped/loop")
            next_url = None
        if next_url:
            links.setdefault(number + 1, next_url)
        links.pop(number, None)
        beyond = [n for n in links if n > self.max_article_pages]
        for n in beyond:
            del links[n]
        if number >= self.max_article_pages and beyond:
            # A 下一頁 without end (a trap) or a longer article than allowed: cut here.
            self.crawler.stats.inc_value("skipped/page_limit", len(beyond))
            self.logger.warning("Article %s cut after %d pages (MAX_ARTICLE_PAGES)", article_url, number)
            next_url = None
        # The key of the page that linked here wins, so that every page of one
        # article is filed under the same key however it was reached.
        first = article_url or (page.url if number == 1 else links.get(1) or (bar.first_url if bar else None))
        if first is None and number - 1 in links:
            # A later page whose bar does not reach page 1 (a window of numbers):
            # walk back until a page names it, then come back for this one. Page
            # numbers only go down, so the walk ends.
            yield self._request(
                links[number - 1], kind=ARTICLE, page_number=number - 1, waiting=(*waiting, page.url)
            )
            return
        first = first or page.url
        yield PageItem(
            article_url=first,
            page_number=number,
            url=page.url,
            title=page.title,
            paragraphs=page.paragraphs,
            images=page.images,
            author=page.author,
            published=page.published,
            links=links,
            is_last=next_url is None,
            total_pages=min(bar.total, self.max_article_pages) if bar and bar.total else None,
            requisites=page.requisites,
        )
        # Every page's bar links most of the others: a page asks only for those
        # that the pages before it in this chain did not, so the dupefilter sees
        # one request per page rather than one per link (the crawl's largest cost).
        asked = requested | {number, *links}
        for n, url in links.items():
            if n not in requested:
                yield self._request(url, kind=ARTICLE, article_url=first, page_number=n, requested=asked)
        for url in waiting:
            request = self._request(url, kind=ARTICLE, article_url=first)
            yield request.replace(dont_filter=True)

    def page_failed(self, failure: Failure) -> Iterator[PageItem | Request]:
        """A request failed after retries: record its page as missing in its article."""
        request = failure.request
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if request.meta.get("redirect_urls"):
            # Failed somewhere along a redirect: the page is the one that was linked.
            request = request.replace(url=request.meta["redirect_urls"][0])
        self.logger.warning("Page failed: %s (%s)", request.url, reason)
        yield from self._failed(request, reason, **request.cb_kwargs)

    def _failed(
        self,
        request: Request,
        reason: str,
        kind: str | None = None,
        article_url: str | None = None,
        page_number: int | None = None,
        waiting: tuple[str, ...] = (),
        lost: tuple[tuple[int, str, str], ...] = (),
        requested: frozenset[int] = frozenset(),
        known: KnownArticle | None = None,
    ) -> Iterator[PageItem | Request]:
        self.crawler.stats.inc_value("pages/failed")
        if waiting:
            # The walk back to page 1 broke off: file the article under the page
            # the crawl reached first, and fetch the pages that were waiting.
            lost = ((page_number, request.url, reason),)
            for i, url in enumerate(waiting):
                request = self._request(url, kind=ARTICLE, article_url=waiting[0], lost=lost if i == 0 else ())
                yield request.replace(dont_filter=True)
            return
        if kind == LISTING or (kind is None and request.url == self.start_url and article_url is None):
            self.crawler.stats.inc_value("pages/failed_listing")
            return
        # A page linked from a listing is taken to be the first page of its article.
        article_url = article_url or request.url
        yield PageItem(article_url=article_url, page_number=page_number or 1, url=request.url, failed=reason)
        yield from _lost_pages(article_url, lost)


def _lost_pages(article_url: str, lost: tuple[tuple[int, str, str], ...]) -> Iterator[PageItem]:
    """Failed-page records for pages lost on a broken walk back to page 1."""
    for number, url, reason in lost:
        yield PageItem(article_url=article_url, page_number=number, url=url, failed=reason)
