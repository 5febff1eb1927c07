"""A pipeline for the tests to add after the merge: async, as Scrapy allows, it notes every article it sees."""

from pathlib import Path

from crawler.items import ArticleItem


class RecordingPipeline:
    """Note the URL and completeness of every article it is given; write them to RECORD_TO at the end."""

    def __init__(self, path: str):
        self.path = Path(path)
        self.seen: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("RECORD_TO"))

    async def process_item(self, item):
        if isinstance(item, ArticleItem):
            self.seen.append(f"{item.url} {'complete' if item.complete else 'incomplete'}\n")
        return item

    def close_spider(self):
        self.path.write_text("".join(self.seen), encoding="utf-8")


class FailOncePipeline:
    """Raise on the article FAIL_ONCE_URL the first time it comes, as a user's pipeline with a bad day would
    (a full disk, a database down); note that it did in FAIL_ONCE_MARK, and let it through on later runs."""

    def __init__(self, url: str, mark: str):
        self.url, self.mark = url, Path(mark)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("FAIL_ONCE_URL"), crawler.settings.get("FAIL_ONCE_MARK"))

    def process_item(self, item):
        if isinstance(item, ArticleItem) and item.url == self.url and not self.mark.exists():
            self.mark.write_text("failed once\n")
            raise OSError(28, "No space left on device")
        return item
