"""Convert articles to Simplified Chinese when asked (CHINESE_SCRIPT)."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem
from crawler.text.script import to_simplified


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


