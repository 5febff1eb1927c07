"""Item pipelines: clean each page, merge pages into articles, convert their script if asked.

Which articles are new or changed is decided in ``crawler.state``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler, load_object

from .cleaning import clean_text, strip_pinyin
from .drift import measure
from .items import ArticleItem, PageItem
from .merge import LatePage, PageStore, build_article, default_store
from .script import to_simplified
from .signals import text_drift

# Asked for on spider_idle to write the articles still waiting: a data: URL needs no network.
FLUSH_URL = "data:,waiting-articles"


class CleanPipeline:
    """Strip pinyin readings, the source line, the disclaimer and page-bar lines from a page; count what went,
    and what stayed that looks like a reading (crawler.drift)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, PageItem) or item.failed:
            return item
        page = ItemAdapter(item)
        content = page["content"]
        raw = "\n".join(content.paragraphs)
        text = clean_text(raw)
        content.title = clean_text(content.title)
        content.author = strip_pinyin(content.author) if content.author else content.author
        content.paragraphs = text.split("\n") if text else []
        drift = measure(raw, text)
        self.stats.inc_value("cleaning/readings_stripped", drift.readings_stripped)
        self.stats.inc_value("cleaning/source_lines", drift.source_lines)
        self.stats.inc_value("cleaning/disclaimers", drift.disclaimers)
        self.stats.inc_value("cleaning/suspected_readings", len(drift.suspects))
        self.stats.inc_value("cleaning/pages", 1)
        missing = [name for name, count in (("source line", drift.source_lines), ("disclaimer", drift.disclaimers))
                   if not count]
        for name in missing:
            self.stats.inc_value(f"cleaning/pages_without_{name.replace(' ', '_')}")
        if drift.suspects or missing:
            self.crawler.signals.send_catch_log(text_drift, url=page["url"], suspects=drift.suspects, missing=missing)
        if not content.paragraphs and not content.images:
            # Never an empty page in a "complete" article: it is missing, and says why.
            page["failed"] = "no text left after cleaning" if raw else "no text found on the page"
            self.stats.inc_value("pages/empty")
            self.crawler.spider.logger.warning(
                "Page %s of %s is empty: %s", page["page_number"], page["article_url"], page["failed"]
            )
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
            article = ItemAdapter(item)
            article["title"] = to_simplified(article["title"])
            article["text"] = to_simplified(article["text"])
        return item


class SameTextPipeline:
    """Write an article once, whatever its copies: a print version, or the same text under another URL.

    After the merge: an article whose title and text are those of an article
    already written in this run is dropped, counted in ``articles/same_text``
    and logged with the URL written. The first written is kept, and mirror
    mode asks for the links only a mirror follows after all others.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.written: dict[bytes, str] = {}  # digest of title and text -> URL written

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, ArticleItem) or not item.text:
            return item
        digest = hashlib.blake2b(f"{item.title}\n{item.text}".encode(), digest_size=16).digest()
        first = self.written.setdefault(digest, item.url)
        if first != item.url:
            self.crawler.stats.inc_value("articles/same_text")
            raise DropItem(f"{item.url} has the same text as {first}, written already", log_level="INFO")
        return item


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
        self._keys: dict[int, str] = {}  # id of an article on its way to the feed -> its key in the store
        crawler.signals.connect(self.spider_idle, signals.spider_idle)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.article_done, signal)

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
        self._keys[id(article)] = key
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
        key = self._keys.pop(id(item), None)
        if key is not None:
            self.store.written(key)

    def close_spider(self):
        self.store.close()
