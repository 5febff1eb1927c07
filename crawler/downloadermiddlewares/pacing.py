"""A minimum gap between two requests to a host: robots.txt's Crawl-delay.

Scrapy reads robots.txt for Allow and Disallow only; here its ``Crawl-delay``
for our user agent is the least gap between two requests to the host, with no
random jitter below it. Scrapy's own per-slot delay still applies, on top. A
shared crawl keeps the gap for all its workers together
(``crawler.distributed.pacing``).
"""

from __future__ import annotations

import time

from protego import Protego
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor, task


class HostPacing:
    """Downloader middleware: wait for the host's turn before a request goes out."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.crawl_delays: dict[str, float] = {}  # host (netloc) -> its robots.txt Crawl-delay
        self.next_turn: dict[str, float] = {}  # one process: host -> when its next request may go (monotonic)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        host = urlparse_cached(request).netloc
        if not host:  # a data: URL (the merge step's flush, a worker's wake-up) reaches no site
            return
        gap = self._gap(host, request)
        if gap <= 0:
            return
        wait = self._take_turn(host, gap)
        if wait > 0:
            self.stats.inc_value("pacing/waits")
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return

    def _gap(self, host: str, request) -> float:
        """The least time between two requests to ``host``: its Crawl-delay."""
        return self.crawl_delays.get(host, 0.0)

    def _take_turn(self, host: str, gap: float) -> float:
        """Seconds until this request's turn at ``host``; the next turn is ``gap`` after it."""
        now = time.monotonic()
        at = max(now, self.next_turn.get(host, 0.0))
        self.next_turn[host] = at + gap
        return at - now

    def process_response(self, request, response):
        url = urlparse_cached(request)
        if url.path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            if delay:
                self.crawl_delays[url.netloc] = float(delay)
                self.crawler.spider.logger.info(
                    "robots.txt of %s asks for a Crawl-delay of %s s: kept between any two requests", url.netloc,
                    delay)
        return response
