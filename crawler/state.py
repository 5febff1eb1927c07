"""Incremental crawls, in one place: what earlier runs saw, how an article is re-checked, what is written.

- ``ArticleState``: the SQLite file of setting STATE_FILE. For every article
  written it keeps the URL, a hash of its cleaned text, its page count, whether
  it was complete, when it was first and last seen, and the validators of its
  first page (ETag, Last-Modified, a hash of the body). One per crawl, shared
  by the two below through ``ArticleState.from_crawler``.
- ``IncrementalMiddleware`` (downloader): a known complete article's first
  page is asked for with its validators, as Scrapy's RFC2616 cache policy
  does; a 304, or the same bytes, marks the response ``unchanged`` (the only
  thing the spider reads), and the rest of the article is not fetched.
- ``IncrementalPipeline``: an article goes on only when it is new, changed or
  newly complete; with WRITE_UNCHANGED (``-a full=1``) the unchanged ones too.
"""

from __future__ import annotations

import hashlib
import sqlite3
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import Request, Response

from .items import ArticleItem

NEW, CHANGED, COMPLETED, UNCHANGED = "new", "changed", "completed", "unchanged"

_SCHEMA = """
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    text_sha256 TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    first_page_sha256 TEXT
);
CREATE TABLE IF NOT EXISTS first_pages (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_sha256 TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class KnownArticle:
    url: str
    page_count: int
    complete: bool
    etag: str | None
    last_modified: str | None
    first_page_sha256: str | None


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# The state of each running crawl, shared by the middleware and the pipeline.
_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ArticleState:
    """The state file: known articles, and the first pages fetched in this run."""

    @classmethod
    def from_crawler(cls, crawler) -> ArticleState | None:
        """The crawl's state (the same object for every caller), or None without STATE_FILE."""
        if crawler not in _STATES:
            path = crawler.settings.get("STATE_FILE")
            state = cls(path % {"name": crawler.spidercls.name}) if path else None
            if state is not None:
                crawler.signals.connect(state.close, signals.spider_closed)
            _STATES[crawler] = state
        return _STATES[crawler]

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(_SCHEMA)

    def known(self, url: str) -> KnownArticle | None:
        row = self._db.execute(
            "SELECT url, page_count, complete, etag, last_modified, first_page_sha256 FROM articles WHERE url = ?",
            (url,),
        ).fetchone()
        return KnownArticle(row[0], row[1], bool(row[2]), *row[3:]) if row else None

    def first_page_fetched(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        """Remember a first page's validators; they become the article's when it is recorded."""
        self._db.execute(
            "INSERT OR REPLACE INTO first_pages VALUES (?, ?, ?, ?)", (url, etag, last_modified, sha256(body))
        )

    def status(self, url: str, text: str, complete: bool) -> str:
        """What an article is against what earlier runs saw: new, changed, completed or unchanged."""
        old = self._db.execute("SELECT text_sha256, complete FROM articles WHERE url = ?", (url,)).fetchone()
        if old is None:
            return NEW
        if old[1] and not complete:
            return UNCHANGED  # a page failed this time: the complete text known from before stands
        if old[0] != sha256(text):
            return CHANGED if not complete or old[1] else COMPLETED
        return COMPLETED if complete and not old[1] else UNCHANGED

    def record(self, url: str, text: str, page_count: int, complete: bool) -> None:
        """Store an article as seen now (once it is in the feed), with its first page's validators."""
        old = self._db.execute("SELECT complete FROM articles WHERE url = ?", (url,)).fetchone()
        if old is not None and old[0] and not complete:
            self.seen_unchanged(url)  # keep the complete text known from before
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        page = self._db.execute(
            "SELECT etag, last_modified, body_sha256 FROM first_pages WHERE url = ?", (url,)
        ).fetchone() or (None, None, None)
        self._db.execute(
            """INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET text_sha256 = excluded.text_sha256,
                 page_count = excluded.page_count, complete = excluded.complete, last_seen = excluded.last_seen,
                 etag = excluded.etag, last_modified = excluded.last_modified,
                 first_page_sha256 = excluded.first_page_sha256""",
            (url, sha256(text), page_count, int(complete), now, now, *page),
        )
        self._db.commit()

    def seen_unchanged(self, url: str) -> None:
        """An article re-checked through its first page and found unchanged."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._db.execute("UPDATE articles SET last_seen = ? WHERE url = ?", (now, url))

    def close(self) -> None:
        self._db.commit()
        self._db.close()


UNCHANGED_FLAG = "unchanged"  # on a response: the known article's first page is as it was


class _WithState:
    """A component of an incremental crawl: it is built with the crawl's one state, and off without STATE_FILE."""

    @classmethod
    def from_crawler(cls, crawler):
        state = ArticleState.from_crawler(crawler)
        if state is None:
            raise NotConfigured
        return cls(crawler, state)


class IncrementalMiddleware(_WithState):
    """Ask for a known complete article's first page only if it changed, and mark it when it did not.

    The spider marks a request ``meta["first_page"]`` when it asks for what it
    takes to be an article's first page. With RECHECK = "all" (``-a
    recheck=all``) or WRITE_UNCHANGED (``-a full=1``) every page is fetched.
    """

    def __init__(self, crawler, state: ArticleState):
        self.stats = crawler.stats
        self.state = state
        self.recheck_all = crawler.settings.get("RECHECK") == "all" or crawler.settings.getbool("WRITE_UNCHANGED")

    def process_request(self, request: Request) -> None:
        if not request.meta.get("first_page") or self.recheck_all:
            return
        known = self.state.known(request.url)
        if known is None or not known.complete:
            return
        request.meta["known_article"] = known
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified

    def process_response(self, request: Request, response: Response) -> Response:
        known: KnownArticle | None = request.meta.get("known_article")
        if known and (response.status == 304 or sha256(response.body) == known.first_page_sha256):
            self.state.seen_unchanged(known.url)
            self.stats.inc_value("articles/unchanged")
            self.stats.inc_value("articles/unchanged_first_page")
            self.stats.inc_value("pages/skipped_known", max(known.page_count - 1, 0))
            return response.replace(flags=[*response.flags, UNCHANGED_FLAG])
        if request.meta.get("first_page") and 200 <= response.status < 300:
            headers = response.headers
            self.state.first_page_fetched(
                response.url,
                headers.get("ETag", b"").decode("latin-1") or None,
                headers.get("Last-Modified", b"").decode("latin-1") or None,
                response.body,
            )
        return response


class IncrementalPipeline(_WithState):
    """Pass an article on only when it is new, changed, or complete now and not before; mark its status.

    The state records an article only once it is in the feed (item_scraped): a
    crawl killed before that finds the article new or changed again next time.
    """

    def __init__(self, crawler, state: ArticleState):
        self.stats = crawler.stats
        self.state = state
        self.write_unchanged = crawler.settings.getbool("WRITE_UNCHANGED")
        self._pending: dict[int, tuple[str, str, int, bool]] = {}  # id of an article on its way to the feed
        crawler.signals.connect(self.item_scraped, signals.item_scraped)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        article = ItemAdapter(item)
        seen = (article["url"], article["text"], article["page_count"], article["complete"])
        article["status"] = self.state.status(article["url"], article["text"], article["complete"])
        self.stats.inc_value(f"articles/{article['status']}")
        if article["status"] == UNCHANGED and not self.write_unchanged:
            self.state.record(*seen)
            raise DropItem(f"article {article['url']} unchanged since the last run", log_level="DEBUG")
        self._pending[id(item)] = seen
        return item

    def item_scraped(self, item):
        seen = self._pending.pop(id(item), None)
        if seen is not None:
            self.state.record(*seen)
