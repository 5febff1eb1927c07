"""A pipeline for the tests to add after the merge: async, as Scrapy allows, it notes every article it sees."""

import time
from pathlib import Path
from urllib.parse import urlparse

from scrapy.extensions.feedexport import BlockingFeedStorage

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


class UploadAtClose(BlockingFeedStorage):
    """A feed storage that has its records only at the end of the run, as S3 or FTP: ``uploading:///PATH`` stores
    them in PATH then, ``failing:///PATH`` fails to (FEED_STORAGES maps both schemes here)."""

    def __init__(self, uri: str, *, feed_options=None):
        self.path, self.fails = Path(urlparse(uri).path), uri.startswith("failing:")

    def _store_in_thread(self, file) -> None:
        if self.fails:
            raise OSError("the upload was refused")
        file.seek(0)
        self.path.write_bytes(file.read())


class PauseOncePipeline:
    """On the first article, mark PAUSE_MARK and block the process until PAUSE_RELEASE exists: a worker that stalls
    while it holds an article it took, for a test to stop it right then (SIGSTOP) and let it go on later."""

    def __init__(self, mark: str, release: str):
        self.mark, self.release = Path(mark), Path(release)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("PAUSE_MARK"), crawler.settings.get("PAUSE_RELEASE"))

    def process_item(self, item):
        if isinstance(item, ArticleItem) and not self.mark.exists():
            self.mark.write_text(item.url, encoding="utf-8")
            deadline = time.monotonic() + 120
            while not self.release.exists() and time.monotonic() < deadline:
                time.sleep(0.05)  # blocks the reactor: nothing else of this worker moves, as when stopped
        return item
