"""The run summary: progress in articles while the crawl runs, and what it did at the end."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from .items import ArticleItem

_STATUSES = ("new", "changed", "completed", "unchanged")


class RunSummary:
    """Log article counts every LOGSTATS_INTERVAL seconds and a summary when the spider closes.

    The summary is also in the stats, under ``summary/``.
    """

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.incomplete: list[tuple[str, list[int]]] = []
        self._task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if not interval:
            raise NotConfigured
        summary = cls(crawler, interval)
        crawler.signals.connect(summary.spider_opened, signals.spider_opened)
        crawler.signals.connect(summary.item_scraped, signals.item_scraped)
        crawler.signals.connect(summary.item_dropped, signals.item_dropped)
        crawler.signals.connect(summary.spider_closed, signals.spider_closed)
        return summary

    def spider_opened(self):
        self._task = task.LoopingCall(self.log_progress)
        self._task.start(self.interval, now=False)

    def item_scraped(self, item):
        if isinstance(item, ArticleItem):
            self.stats.inc_value("summary/articles_written")
            if not item.complete:
                self.incomplete.append((item.url, item.missing_pages))

    def item_dropped(self, item, exception):
        if isinstance(item, ArticleItem) and not item.complete:
            self.incomplete.append((item.url, item.missing_pages))

    def _counts(self) -> str:
        get = self.stats.get_value
        written = f"{get('summary/articles_written', 0)} articles written"
        if getattr(self.crawler.spider, "article_state", None):  # no statuses without STATE_FILE
            written += " (" + ", ".join(f"{s} {get(f'articles/{s}', 0)}" for s in _STATUSES) + ")"
        return f"{written}, {get('articles/incomplete', 0)} incomplete"

    def log_progress(self):
        self.crawler.spider.logger.info(
            "Progress: %s; %d pages fetched", self._counts(), self.stats.get_value("pages/fetched", 0)
        )

    def spider_closed(self, spider, reason):
        if self._task and self._task.running:
            self._task.stop()
        get = self.stats.get_value
        pages = (
            f"pages fetched {get('pages/fetched', 0)}, failed {get('pages/failed', 0)}, "
            f"skipped as known {get('pages/skipped_known', 0)}; readings stripped {get('cleaning/readings_stripped', 0)}"
        )
        lines = [f"Run summary ({reason}): {self._counts()}", pages]
        lines += [f"  incomplete: {url} missing pages {missing}" for url, missing in self.incomplete]
        spider.logger.info("\n".join(lines))
        self.stats.set_value("summary/incomplete_articles", len(self.incomplete))
