"""Item pipelines: clean each page, convert its script if asked, merge pages into articles."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from .cleaning import clean_text, strip_pinyin, to_simplified
from .items import PageItem
from .merge import PageStore, build_article, is_whole


class CleanPipeline:
    """Strip pinyin readings, the source line, the disclaimer and page-bar lines from a page."""

    def process_item(self, item):
        if isinstance(item, PageItem) and not item.failed:
            item.title = clean_text(item.title)
            item.author = strip_pinyin(item.author) if item.author else item.author
            text = clean_text("\n".join(item.paragraphs))
            item.paragraphs = text.split("\n") if text else []
        return item


class ConvertScriptPipeline:
    """With CHINESE_SCRIPT = "simplified", convert a page's title and text with OpenCC t2s.

    It works on pages, before the merge, so that every article, including those
    written out when the crawl ends, passes through it.
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
        if isinstance(item, PageItem) and not item.failed:
            item.title = to_simplified(item.title)
            item.paragraphs = [to_simplified(p) for p in item.paragraphs]
        return item


class PageHeld(DropItem):
    """A page kept by the merge step until the rest of its article is in."""

    def __init__(self, page: PageItem):
        super().__init__(f"page {page.page_number} of {page.article_url} held for merging", log_level="DEBUG")


class MergePagesPipeline:
    """Hold pages until their article is whole, then pass on one ArticleItem.

    The last pipeline: an article is emitted as soon as its last page is in.
    When the crawl ends for any reason, articles still waiting are emitted as
    incomplete, with the pages that did arrive.
    """

    def __init__(self, crawler, store: PageStore):
        self.crawler = crawler
        self.store = store
        self.emitted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        store_cls = load_object(crawler.settings.get("MERGE_STORE"))
        return cls(crawler, build_from_crawler(store_cls, crawler))

    def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        stats = self.crawler.stats
        if item.article_url in self.emitted:
            stats.inc_value("merge/late_pages")
            raise DropItem(f"page {item.page_number} of {item.article_url} came after its article was written")
        pages = self.store.add(item)
        if not is_whole(pages):
            raise PageHeld(item)
        return self._article(self.store.pop(item.article_url))

    def _article(self, pages):
        article = build_article(pages)
        self.emitted.add(article.url)
        self.crawler.stats.inc_value("articles/complete" if article.complete else "articles/incomplete")
        if not article.complete:
            self.crawler.spider.logger.warning(
                "Article %s is incomplete: pages %s missing", article.url, article.missing_pages
            )
        return article

    async def close_spider(self):
        # Scrapy hands what the last pipeline returns to the feeds through the
        # item_scraped signal; do the same for the articles still waiting.
        for article_url in self.store.article_urls():
            article = self._article(self.store.pop(article_url))
            await self.crawler.signals.send_catch_log_async(
                signals.item_scraped, item=article, response=None, spider=self.crawler.spider
            )
