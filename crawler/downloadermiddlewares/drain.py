"""A stopped crawl loses nothing: without JOBDIR a stop drains the crawl instead of dropping it.

Scrapy's own stop (Ctrl-C, SIGTERM, a CLOSESPIDER_* limit) closes the spider
at once: requests still queued are dropped without a trace, and articles still
waiting for pages have no way left to the pipelines and the feeds. With JOBDIR
that is right, since both are kept for the resumed run. Without JOBDIR the
stop drains the crawl instead: every request not yet sent fails at once, so
its page is recorded missing in its article ("not fetched: the crawl was
stopped"); the downloads under way finish; the articles still waiting are
written, incomplete where pages are missing, through every pipeline as any
article is; then the spider closes. A second Ctrl-C is Scrapy's own graceful
stop, a third its forced one.
"""

from __future__ import annotations

import asyncio
import signal

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StoppedBeforeFetch(IgnoreRequest):
    """A request not sent because the crawl was stopped."""


class DrainMiddleware:
    """Downloader middleware: once the crawl is stopped, fail every request not sent yet (without JOBDIR)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.reason: str | None = None
        self._previous: dict[int, object] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("JOBDIR"):  # Scrapy's own stop keeps the queue and the waiting pages to resume
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self):
        self._loop = asyncio.get_event_loop()
        for signum in _SIGNALS:
            self._previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self._signalled)

    def _signalled(self, signum, frame) -> None:
        # The next signal goes to Scrapy's own handler; nothing is logged from a signal handler.
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._loop.call_soon_threadsafe(self.stop, signal.Signals(signum).name)

    def stop(self, reason: str) -> None:
        """Stop the crawl: send no more requests, write what is waiting, then close."""
        if self.reason is not None:
            return
        self.reason = reason
        self.crawler.stats.set_value("stopped/reason", reason)
        self.crawler.spider.logger.info(
            "Stopping (%s): pages not fetched yet are recorded missing, waiting articles are written", reason
        )

    def process_request(self, request: Request) -> None:
        if self.reason is not None and request.url.startswith(("http://", "https://")):
            self.crawler.stats.inc_value("pages/not_fetched")
            raise StoppedBeforeFetch(f"not fetched: the crawl was stopped ({self.reason})")

    def spider_closed(self):
        for signum, handler in self._previous.items():
            if signal.getsignal(signum) == self._signalled:
                signal.signal(signum, handler)


