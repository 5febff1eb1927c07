"""Merging the pages of an article: the waiting room for pages, and the rules for when
an article is whole and how its pages join. Knows pages and articles, not HTML."""

from __future__ import annotations

import json
import sqlite3
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from pathlib import Path

from scrapy.exceptions import NotConfigured

from crawler.items import ArticleItem, PageContent, PageItem

# A paragraph that ends without one of these was cut by the page break and
# goes on at the start of the next page.
_PARAGRAPH_ENDS = tuple("。！？!?…；;：:”」』）)》.")


class PageStore(ABC):
    """Where pages wait for the rest of their article. Chosen by the MERGE_STORE setting."""

    #: Whether the pages survive the process, so an interrupted crawl resumed
    #: with the same JOBDIR finds them again instead of writing them out incomplete.
    persistent = False

    @classmethod
    def from_crawler(cls, crawler) -> PageStore:
        return cls()

    def add(self, page: PageItem) -> dict[int, PageItem] | None:
        """Keep ``page``; if its article is now whole, take it (see ``take``) and return its pages.

        None while the article waits for more pages; LatePage if it was taken already.
        A store shared by several processes does this in one atomic step.
        """
        if self.was_written(page.article_url):
            raise LatePage(page)
        return self.take(page.article_url) if is_whole(self.keep(page)) else None

    async def add_soon(self, page: PageItem) -> dict[int, PageItem] | None:
        """``add``, as the merge pipeline asks: a store across the network may gather pages into one round trip."""
        return self.add(page)

    @abstractmethod
    def keep(self, page: PageItem) -> dict[int, PageItem]:
        """Keep ``page`` (the first one of each number wins) and return its article's pages so far.

        Only the wholeness check reads what this returns: a store may leave out the pages' text.
        """

    @abstractmethod
    def take(self, article_url: str) -> dict[int, PageItem]:
        """An article's pages, to be written now: from here on its later pages are late and dropped.
        Empty if the article was taken already (by another process sharing the store).

        The store still keeps the pages until ``written``: a process killed before
        the article reached the feed finds them again when it resumes.
        """

    def holds(self, article_url: str) -> bool:
        """Whether this process's take of the article still stands. A store shared by several processes may hand
        an article on while its taker stalls (see crawler.distributed.merge_store)."""
        return True

    @abstractmethod
    def written(self, article_url: str) -> None:
        """The article is in the feed: forget its pages, and remember it as written for good."""

    @abstractmethod
    def article_urls(self) -> list[str]:
        """The articles that have pages waiting (not taken)."""

    @abstractmethod
    def was_written(self, article_url: str) -> bool:
        """Whether the article has been taken (to be written, or written) in this crawl or an earlier part of it."""

    def close(self) -> None:
        """Release what the store holds open."""


class MemoryPageStore(PageStore):
    """Pages of the articles in flight, in a dict."""

    def __init__(self) -> None:
        self._articles: dict[str, dict[int, PageItem]] = {}
        self._written: set[str] = set()

    def keep(self, page: PageItem) -> dict[int, PageItem]:
        pages = self._articles.setdefault(page.article_url, {})
        pages.setdefault(page.page_number, page)
        return pages

    def take(self, article_url: str) -> dict[int, PageItem]:
        self._written.add(article_url)
        return self._articles.pop(article_url, {})

    def written(self, article_url: str) -> None:
        """Nothing survives the process: taking was all."""

    def article_urls(self) -> list[str]:
        return list(self._articles)

    def was_written(self, article_url: str) -> bool:
        return article_url in self._written


class DiskPageStore(PageStore):
    """Pages in flight in an SQLite file inside JOBDIR, so a resumed crawl finds them again."""

    persistent = True

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._taken: set[str] = set()  # being written: in the feed once written() is called
        self._db = sqlite3.connect(path)
        # Write-ahead log without a sync per commit: safe when the process dies,
        # and a commit per page costs microseconds instead of a disk flush.
        self._db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE IF NOT EXISTS pages (article_url TEXT, page_number INTEGER, page TEXT, outline TEXT,"
            " PRIMARY KEY (article_url, page_number));"
            "CREATE TABLE IF NOT EXISTS written (article_url TEXT PRIMARY KEY);"
        )

    @classmethod
    def from_crawler(cls, crawler) -> DiskPageStore:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured("DiskPageStore keeps its pages in JOBDIR; set JOBDIR")
        return cls(Path(jobdir) / "merge.sqlite")

    def keep(self, page: PageItem) -> dict[int, PageItem]:
        # The outline is the page without its text: what the wholeness check reads,
        # so a long article is not decoded again in full at each of its pages.
        self._db.execute(
            "INSERT OR IGNORE INTO pages VALUES (?, ?, ?, ?)",
            (page.article_url, page.page_number, page_to_json(page), page_to_json(page, outline=True)),
        )
        self._db.commit()
        return self._pages(page.article_url, "outline")

    def _pages(self, article_url: str, column: str = "page") -> dict[int, PageItem]:
        rows = self._db.execute(f"SELECT {column} FROM pages WHERE article_url = ?", (article_url,))
        pages = (page_from_json(data) for (data,) in rows)
        return {page.page_number: page for page in pages}

    def take(self, article_url: str) -> dict[int, PageItem]:
        self._taken.add(article_url)
        return self._pages(article_url)

    def written(self, article_url: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM pages WHERE article_url = ?", (article_url,))
            self._db.execute("INSERT OR IGNORE INTO written VALUES (?)", (article_url,))
        self._taken.discard(article_url)

    def article_urls(self) -> list[str]:
        urls = self._db.execute("SELECT DISTINCT article_url FROM pages")
        return [url for (url,) in urls if url not in self._taken]

    def was_written(self, article_url: str) -> bool:
        if article_url in self._taken:
            return True
        return self._db.execute("SELECT 1 FROM written WHERE article_url = ?", (article_url,)).fetchone() is not None

    def close(self) -> None:
        self._db.close()


class LatePage(Exception):
    """A page that came after its article was taken to be written."""

    def __init__(self, page: PageItem):
        super().__init__(f"page {page.page_number} of {page.article_url} came after its article was written")


def page_to_json(page: PageItem, outline: bool = False) -> str:
    """A page as JSON; its ``outline``: without its text (what the wholeness check reads)."""
    fields = vars(page)  # not dataclasses.asdict: its deep copy cost more than the JSON
    if outline:
        fields = {k: v for k, v in fields.items() if k not in ("content", "requisites")}
    return json.dumps(fields, ensure_ascii=False, default=vars)


def page_from_json(data: str | bytes) -> PageItem:
    fields = json.loads(data)
    fields["others"] = {int(n): url for n, url in fields["others"].items()}
    fields["content"] = PageContent(**fields.get("content", {}))
    return PageItem(**fields)


def default_store(settings) -> str:
    """MERGE_STORE, or when it is not set: on disk in JOBDIR if there is one, else in memory."""
    if settings.get("MERGE_STORE"):
        return settings.get("MERGE_STORE")
    return "crawler.merge.stores.DiskPageStore" if settings.get("JOBDIR") else "crawler.merge.stores.MemoryPageStore"


def page_numbers(pages: dict[int, PageItem]) -> set[int]:
    """Every page number the article is known to have, from the pages and their page bars."""
    numbers = set(pages)
    for page in pages.values():
        numbers.update(page.others)
        if page.total_pages:
            numbers.update(range(1, page.total_pages + 1))
    return numbers


def is_whole(pages: dict[int, PageItem]) -> bool:
    """Whether every page of the article has arrived or failed, so nothing more will come."""
    numbers = page_numbers(pages)
    if not numbers <= pages.keys():
        return False
    last_seen = any(p.is_last and not p.failed for p in pages.values())
    total_given = any(p.total_pages for p in pages.values())
    # A failed page could have linked further pages; none can be reached now.
    return last_seen or total_given or bool(pages[max(numbers)].failed)


def _join(paragraphs: list[str], following: list[str]) -> None:
    if paragraphs and following and not paragraphs[-1].endswith(_PARAGRAPH_ENDS):
        paragraphs[-1] += following[0]
        following = following[1:]
    paragraphs.extend(following)


def build_article(pages: dict[int, PageItem]) -> ArticleItem:
    """One article from its pages, in page-number order, split paragraphs joined again."""
    count = max(page_numbers(pages))
    received = {n: p for n, p in pages.items() if not p.failed}
    urls: dict[int, str] = {}
    for page in pages.values():
        for n, url in page.others.items():
            urls.setdefault(n, url)
    for n, page in pages.items():
        urls[n] = page.url
    paragraphs: list[str] = []
    images: list[str] = []
    for n in range(1, count + 1):
        page = received.get(n)
        if page is None:
            continue
        if n - 1 in received:
            _join(paragraphs, page.content.paragraphs)
        else:
            paragraphs.extend(page.content.paragraphs)
        images.extend(i for i in page.content.images if i not in images)
    first = received[min(received)].content if received else None
    missing = [n for n in range(1, count + 1) if n not in received]
    return ArticleItem(
        url=urls.get(1) or next(iter(pages.values())).article_url,
        title=first.title if first else "",
        text="\n".join(paragraphs),
        page_count=count,
        page_urls=[urls[n] for n in range(1, count + 1) if n in urls],
        complete=not missing,
        missing_pages=missing,
        crawled_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        author=first.author if first else None,
        published=first.published if first else None,
        images=images,
    )
