"""Write an article once, whatever its copies (a print version, the same text under another URL)."""

from __future__ import annotations

import hashlib

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem


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


