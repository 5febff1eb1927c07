"""Item pipelines: clean each page, merge pages into articles, convert their script if asked,
and emit only what is new or changed."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from .cleaning import clean_text, strip_pinyin, to_simplified
from .items import ArticleItem, PageItem
from .merge import PageStore, build_article, default_store, is_whole
from .state import UNCHANGED


class CleanPipeline:
    """Strip pinyin readings, the source line, the disclaimer and page-bar lines from a page."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, PageItem) and not item.failed:
            raw = "\n".join(item.paragraphs)
            item.title = clean_text(item.title)
            item.author = strip_pinyin(item.author) if item.author else item.author
            text = clean_text(raw)
            item.paragraphs = text.split("\n") if text else []
            # Each reading is one "(…)" group; the text's own parentheses stay.
            self.stats.inc_value("cleaning/readings_stripped", raw.count("(") - text.count("("))
            if not item.paragraphs and not item.images:
                # Never an empty page in a "complete" article: it is missing, and says why.
                item.failed = "no text left after cleaning" if raw else "no text found on the page"
                self.stats.inc_value("pages/empty")
                self.crawler.spider.logger.warning("Page %s of %s is empty: %s", item.page_number, item.article_url, item.failed)
        return item


class ConvertScriptPipeline:
    """With CHINESE_SCRIPT = "simplified", convert an article's title and text with OpenCC t2s.

    After the merge, so that a phrase split by a page break is converted whole.
    """

    @classmethod
    def from_crawler(cls, crawler):
        script = crawler.settings.get("CHINESE_SCRIPT", "traditional")
        if script == "traditional":
            raise NotConfigured
        if script != "simplified":
            raise ValueError(f'CHINESE_SCRIPT must be "traditional" or "simplified", not {script!r}')
        return cls()

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            item.title = to_simplified(item.title)
            item.text = to_simplified(item.text)
        return item


class PageHeld(DropItem):
    """A page kept by the merge step until the rest of its article is in."""

    def __init__(self, page: PageItem):
        super().__init__(f"page {page.page_number} of {page.article_url} held for merging", log_level="DEBUG")


class MergePagesPipeline:
    """Hold pages until their article is whole, then pass on one ArticleItem.

    An article goes on as soon as its last page is in. Articles still waiting
    when the crawl runs out of pages are written as incomplete, with the pages
    that did arrive; so are they when the crawl is stopped, unless the pages
    wait on disk in JOBDIR for the crawl to be resumed.
    """

    def __init__(self, crawler, store: PageStore):
        self.crawler = crawler
        self.store = store
        crawler.signals.connect(self.spider_idle, signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        store_cls = load_object(default_store(crawler.settings))
        return cls(crawler, build_from_crawler(store_cls, crawler))

    def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        if self.store.was_written(item.article_url):
            self.crawler.stats.inc_value("merge/late_pages")
            raise DropItem(f"page {item.page_number} of {item.article_url} came after its article was written")
        pages = self.store.add(item)
        if not is_whole(pages):
            raise PageHeld(item)
        return self._article(self.store.pop(item.article_url))

    def _article(self, pages) -> ArticleItem:
        article = build_article(pages)
        self.crawler.stats.inc_value("articles/complete" if article.complete else "articles/incomplete")
        if not article.complete:
            self.crawler.spider.logger.warning(
                "Article %s is incomplete: pages %s missing", article.url, article.missing_pages
            )
        return article

    def spider_idle(self):
        # Nothing more will come: the articles still waiting lack pages for good.
        self._flush()

    def close_spider(self):
        if not self.store.persistent:
            self._flush()
        self.store.close()

    def _flush(self):
        """Pass the waiting articles through the pipelines after this one, then to the feeds.

        Scrapy has no way for a pipeline to emit an item of its own, so this does
        what the scraper does with a returned item; the later pipelines (ours)
        are synchronous.
        """
        manager = self.crawler.engine.scraper.itemproc
        later = manager.middlewares[manager.middlewares.index(self) + 1 :]
        signal_args = {"response": None, "spider": self.crawler.spider}
        for article_url in self.store.article_urls():
            article = self._article(self.store.pop(article_url))
            try:
                for pipeline in later:
                    article = pipeline.process_item(article)
            except DropItem as exc:
                self.crawler.signals.send_catch_log(signals.item_dropped, item=article, exception=exc, **signal_args)
                continue
            # The feed exporters' handler is synchronous: the article is written when this returns.
            self.crawler.signals.send_catch_log(signals.item_scraped, item=article, **signal_args)


class IncrementalPipeline:
    """Emit an article only when it is new, changed, or complete now and not before.

    Needs the spider's ArticleState (setting STATE_FILE); with ``-a full=1``
    unchanged articles are emitted too, marked ``unchanged``.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        spider = self.crawler.spider
        state = getattr(spider, "article_state", None)
        if state is None:
            return item
        item.status = state.record(item.url, item.text, item.page_count, item.complete)
        self.crawler.stats.inc_value(f"articles/{item.status}")
        if item.status == UNCHANGED and not spider.full:
            raise DropItem(f"article {item.url} unchanged since the last run", log_level="DEBUG")
        return item
