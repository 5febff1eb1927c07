"""Incremental crawls' last step: an article goes on only when it is new, changed or newly complete.

With WRITE_UNCHANGED (``-a full=1``) the unchanged ones go on too. Every
article gets its ``status``; the state records it once it is in the feed.
"""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem, PageItem
from crawler.state.rows import UNCHANGED, ArticleState


class IncrementalPipeline:
    """Pass an article on only when it is new, changed, or complete now and not before; mark its status.

    The state records an article only once it is in the feed (item_scraped): a
    crawl killed before that finds the article new or changed again next time.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, ArticleState.of(crawler))

    def __init__(self, crawler, state: ArticleState):
        self.stats = crawler.stats
        self.state = state
        self.write_unchanged = crawler.settings.getbool("WRITE_UNCHANGED")
        # What the state records of an article on its way to the feed, by URL: a later pipeline may pass on a copy.
        self._pending: dict[str, tuple[str, str, str, int, bool]] = {}
        crawler.signals.connect(self.item_scraped, signals.item_scraped)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        article = ItemAdapter(item)
        seen = (article["url"], article["title"], article["text"], article["page_count"], article["complete"])
        article["status"] = self.state.status(article["url"], article["title"], article["text"], article["complete"])
        if not self.state.answering:  # a shared crawl's Redis is lost: "new" would be a guess
            self.stats.inc_value("articles/not_labelled")
            raise DropItem(f"article {article['url']} not written: the state does not answer (Redis lost), so "
                           "whether it is new is unknown; the next run writes it", log_level="INFO")
        self.stats.inc_value(f"articles/{article['status']}")
        if article["status"] == UNCHANGED and not self.write_unchanged:
            self.state.record(*seen)
            raise DropItem(f"article {article['url']} unchanged since the last run", log_level="DEBUG")
        self._pending[article["url"]] = seen
        return item

    def item_scraped(self, item):
        if isinstance(item, PageItem) or not ItemAdapter.is_item(item):
            return  # a page held or dropped by the merge: its URL may be its article's
        seen = self._pending.pop(ItemAdapter(item).get("url"), None)
        if seen is not None:
            self.state.record(*seen)
