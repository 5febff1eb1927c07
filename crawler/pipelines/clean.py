"""Clean each page: strip pinyin readings, the source line, the disclaimer and page-bar lines."""

from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.items import PageItem
from crawler.signals import text_drift
from crawler.text.cleaning import clean_text, strip_pinyin
from crawler.text.drift import measure


class CleanPipeline:
    """Strip pinyin readings, the source line, the disclaimer and page-bar lines from a page; count what went,
    and what stayed that looks like a reading (crawler.text.drift)."""

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
        # Missing: in its known words neither in the body nor anywhere else on the page (a site that places them
        # after the body, where the body leaves them out, still carries them as it did).
        on_page = content.boilerplate
        missing = [name for name, count, anywhere in (("source line", drift.source_lines, on_page[0]),
                                                      ("disclaimer", drift.disclaimers, on_page[1]))
                   if not count and not anywhere]
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


