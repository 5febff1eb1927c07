"""Scrapy's CLOSESPIDER_* limits, which without JOBDIR drain the crawl instead of dropping it.

A limit reached stops the crawl as Ctrl-C does (``crawler.downloadermiddlewares.drain``): requests not yet sent are
recorded missing in their articles, and the articles still waiting are written, then the spider closes.
"""

from __future__ import annotations

from scrapy.extensions.closespider import CloseSpider

from crawler.downloadermiddlewares.drain import DrainMiddleware


class DrainingCloseSpider(CloseSpider):
    """Scrapy's CLOSESPIDER_* limits; without JOBDIR they drain the crawl (``DrainMiddleware``)."""

    def _close_spider(self, reason: str) -> None:
        drain = self.crawler.get_downloader_middleware(DrainMiddleware)
        if drain is None:  # with JOBDIR or in a shared crawl: Scrapy's own close keeps what is queued
            super()._close_spider(reason)
        else:
            drain.stop(reason)
