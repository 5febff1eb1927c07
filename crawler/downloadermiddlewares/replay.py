"""Offline replay: answer every request from saved pages, never from the network.

The source (setting REPLAY_SOURCE, ``-a replay=``) is a folder of saved pages
or a WARC file, read through ``crawler.storage.formats``.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes

from crawler.storage.base import PageStorage, StorageError
from crawler.storage.formats import open_storage


class ReplayMiddleware:
    """Downloader middleware that serves every request from REPLAY_SOURCE.

    A page that is not there is answered 404, so it counts as a missing page
    exactly as it would on the live site.
    """

    def __init__(self, crawler, storage: PageStorage):
        self.crawler = crawler
        self.storage = storage
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        source = crawler.settings.get("REPLAY_SOURCE")
        if not source:
            raise NotConfigured
        return cls(crawler, open_storage(source))

    def spider_opened(self, spider):
        # A WARC is indexed now; what is wrong with it is said once, before the first page.
        self.storage.retrieve("http://replay.invalid/")
        for problem in self.storage.problems:
            spider.logger.warning("Replay source %s: %s", self.crawler.settings.get("REPLAY_SOURCE"), problem)
        self.crawler.stats.set_value("replay/unreadable_records", len(self.storage.problems))

    def process_request(self, request: Request) -> Response | None:
        if not request.url.startswith(("http://", "https://")):
            return None  # data: and the like are answered without a network
        try:
            saved = self.storage.retrieve(request.url)
        except StorageError as exc:
            raise IgnoreRequest(str(exc)) from exc  # the page is missing in its article, with the reason
        if saved is None:
            return Response(request.url, status=404, request=request, flags=["replay"])
        cls = responsetypes.from_args(headers=saved.headers, url=request.url, body=saved.body)
        return cls(request.url, status=saved.status, headers=saved.headers, body=saved.body, request=request,
                   flags=["replay"])

    def spider_closed(self):
        self.storage.close()
