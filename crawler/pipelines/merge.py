"""Merge pages into articles: hold each page until its article is whole, then pass on one ArticleItem."""

from __future__ import annotations

from collections.abc import Iterator

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.items import ArticleItem, PageItem
from crawler.merge.stores import LatePage, PageStore, build_article, default_store

# Asked for on spider_idle to write the articles still waiting: a data: URL needs no network.
FLUSH_URL = "data:,waiting-articles"


class PageHeld(DropItem):
    """A page kept by the merge step until the rest of its article is in."""

    def __init__(self, page: PageItem):
        super().__init__(f"page {page.page_number} of {page.article_url} held for merging", log_level="DEBUG")


class MergePagesPipeline:
    """Hold pages until their article is whole, then pass on one ArticleItem.

    An article goes on as soon as its last page is in. When the crawl runs out
    of pages, the articles still waiting lack pages for good: on spider_idle a
    request (to a ``data:`` URL) is scheduled whose callback yields them, so
    that they pass every later pipeline, the feeds and the stats as any item
    does. With a persistent store (JOBDIR) a stopped crawl keeps them for the
    resumed run instead.
    """

    def __init__(self, crawler, store: PageStore):
        self.crawler = crawler
        self.store = store
        self._flushing = False
        # The URL of an article on its way to the feed -> its key in the store: a later pipeline may pass on a copy.
        self._keys: dict[str, str] = {}
        crawler.signals.connect(self.spider_idle, signals.spider_idle)
        for signal in (signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(self.article_done, signal)
        crawler.signals.connect(self.article_failed, signals.item_error)

    @classmethod
    def from_crawler(cls, crawler):
        store_cls = load_object(default_store(crawler.settings))
        return cls(crawler, build_from_crawler(store_cls, crawler))

    async def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        try:
            pages = await self.store.add_soon(item)
        except LatePage as late:
            self.crawler.stats.inc_value("merge/late_pages")
            raise DropItem(str(late)) from None
        if pages is None:
            raise PageHeld(item)
        return self._article(ItemAdapter(item)["article_url"], pages)

    def _article(self, key: str, pages: dict[int, PageItem]) -> ArticleItem:
        article = build_article(pages)
        self._keys[article.url] = key
        self.crawler.stats.inc_value("articles/complete" if article.complete else "articles/incomplete")
        if not article.complete:
            self.crawler.spider.logger.warning(
                "Article %s is incomplete: pages %s missing", article.url, article.missing_pages
            )
        return article

    def spider_idle(self):
        # Nothing more will come: the articles still waiting lack pages for good.
        if self._flushing or self.store.article_urls():
            if not self._flushing:
                self._flushing = True
                self.crawler.engine.crawl(Request(FLUSH_URL, callback=self.waiting_articles, dont_filter=True))
            raise DontCloseSpider

    def waiting_articles(self, response: Response) -> Iterator[ArticleItem]:
        """The flush request's callback: every article still waiting, as it is."""
        self._flushing = False
        for article_url in self.store.article_urls():
            pages = self.store.take(article_url)
            if pages:  # else another process sharing the store took it first
                yield self._article(article_url, pages)

    def article_done(self, item):
        """The article is in the feed (or was dropped on purpose): only now is it written for good.

        A crawl killed between the feed and this point writes the article again
        when resumed: a rare duplicate, never a loss.
        """
        key = self._key(item)
        if key is not None:
            self.store.written(key)

    def article_failed(self, item, failure):
        """A later pipeline failed on the article: it is not written. Its pages stay in a persistent store for a
        resumed crawl, the state does not know it, so the next run writes it; the run exits 1."""
        if isinstance(item, PageItem):  # Scrapy names the item that entered the pipelines: the page that completed it
            url = next((url for url, key in self._keys.items() if key == item.article_url), None)
            item = {"url": url}
        key = self._key(item)
        if key is not None:
            self.crawler.stats.inc_value("articles/failed_downstream")
            self.crawler.spider.logger.error(
                "Article %s was not written: a pipeline after the merge failed on it (%s); the next run writes it",
                ItemAdapter(item).get("url"), failure.getErrorMessage())

    def _key(self, item) -> str | None:
        """The store's key of an article on its way to the feed, now through (None: not such an article)."""
        if isinstance(item, PageItem) or not ItemAdapter.is_item(item):
            return None  # a page held or dropped by the merge, whose URL may be its article's
        return self._keys.pop(ItemAdapter(item).get("url"), None)

    def still_taken(self, item) -> bool:
        """Whether an article on its way to the feed is still this process's to write (see ``PageStore.holds``)."""
        key = self._keys.get(ItemAdapter(item).get("url"))
        return key is None or self.store.holds(key)

    def close_spider(self):
        self.store.close()


class StillTakenPipeline:
    """The last step before the feed: an article whose take passed to another process, while this one stalled
    past its lease in a shared crawl, is dropped here (``articles/taken_over``): the other one writes it."""

    def __init__(self, crawler):
        self.crawler = crawler
        self._merge: MergePagesPipeline | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self._merge = self.crawler.get_item_pipeline(MergePagesPipeline)

    def process_item(self, item):
        if isinstance(item, ArticleItem) and self._merge is not None and not self._merge.still_taken(item):
            self.crawler.stats.inc_value("articles/taken_over")
            raise DropItem(f"Article {item.url} was handed to another worker while this one stalled: written there")
        return item
