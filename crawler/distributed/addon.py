"""The shared crawl, plugged in by one setting: with REDIS_URL, the job's scheduler, duplicate filter, merge store
and state rows take the place of the single process's (``crawler.distributed.job.shared_settings``).

An add-on (ADDONS), so that nothing else names the shared crawl: without REDIS_URL it is off, and a crawl in one
process does not import scrapy-redis.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


class SharedCrawl:
    """Scrapy add-on: a crawl shared by several processes through Redis when REDIS_URL is set."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        return cls()

    def update_settings(self, settings) -> None:
        from crawler.distributed.job import shared_settings  # scrapy-redis is imported only for a shared crawl

        shared_settings(settings)
