"""What earlier runs saw: the state of incremental crawls (setting STATE_FILE), an SQLite file, or Redis in a
shared crawl.

For every article written it keeps the URL, a hash of its cleaned text, its
page count, whether it was complete, when it was first and last seen and last
checked, the validators of its first page (ETag, Last-Modified, a hash of the
body), and the title and place a listing last gave it. For every listing page,
when it was first seen and last fetched, and what it held. What is done with
it is ``crawler.state.listing_walk``'s.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.utils.misc import build_from_crawler, load_object

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
CREATE TABLE IF NOT EXISTS listed (
    url TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    rank INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS listings (
    url TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    items TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sitemaps (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    body_sha256 TEXT NOT NULL
);
"""
# Columns added since the first state files: added to an older file when it is opened.
_ADDED = {"articles": {"last_checked": "TEXT", "title": "TEXT"},
          "first_pages": {"listed_title": "TEXT", "listed_rank": "INTEGER"}}


@dataclass(frozen=True)
class KnownArticle:
    url: str
    page_count: int
    complete: bool
    etag: str | None
    last_modified: str | None
    first_page_sha256: str | None
    last_checked: str | None = None  # when its first page (or all of it) was last fetched or found unchanged


@dataclass(frozen=True)
class Listed:
    """How a listing last showed an article: its title, and its place (smaller is newer)."""

    title: str
    rank: int


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class StateRows(Protocol):
    """Where the state is kept: four tables of rows keyed by URL (the SQLite file, or Redis in a shared crawl).

    ``answering`` is False once it cannot be asked any more (a shared crawl's Redis lost): its answers are then
    defaults, not what earlier runs saw."""

    answering: bool

    def get(self, table: str, url: str) -> dict[str, Any] | None: ...

    def put(self, table: str, url: str, row: dict[str, Any]) -> None: ...

    def rows(self, table: str) -> Iterable[dict[str, Any]]: ...

    def close(self) -> None: ...


class SqliteRows:
    """The state file: one SQLite file, one table each (STATE_ROWS' default)."""

    answering = True

    @classmethod
    def from_crawler(cls, crawler) -> SqliteRows:
        return cls(crawler.settings["STATE_FILE"] % {"name": crawler.spidercls.name})

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        for table, columns in _ADDED.items():
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def get(self, table: str, url: str) -> dict[str, Any] | None:
        row = self._db.execute(f"SELECT * FROM {table} WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def put(self, table: str, url: str, row: dict[str, Any]) -> None:
        columns = ", ".join(["url", *row])
        places = ", ".join("?" * (len(row) + 1))
        self._db.execute(f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({places})", (url, *row.values()))
        self._db.commit()

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        return (dict(row) for row in self._db.execute(f"SELECT * FROM {table}"))

    def close(self) -> None:
        self._db.commit()
        self._db.close()


def uploaded_at_close(feed: str) -> bool:
    """Whether a feed's storage has its records only at the end of the run (S3, GCS, FTP…), unlike a local file,
    which has each as it is exported (see crawler.extensions.feeds), or stdout."""
    return "://" in feed and not feed.startswith("file://")


class ArticleState:
    """What earlier runs saw of articles and listings, and the first pages fetched in this run.

    A Scrapy extension (EXTENSIONS), off without STATE_FILE: the components that
    read it find it with ``of(crawler)``. Its rows are kept by the class
    STATE_ROWS names, as HTTPCACHE_STORAGE names a cache's storage: the SQLite
    file, or Redis in a shared crawl.
    """

    @classmethod
    def from_crawler(cls, crawler) -> ArticleState:
        if not crawler.settings.get("STATE_FILE"):
            raise NotConfigured
        state = cls(build_from_crawler(load_object(crawler.settings["STATE_ROWS"]), crawler))
        state.crawler = crawler
        if any(uploaded_at_close(str(uri)) for uri in crawler.settings.getdict("FEEDS")):
            state.later = []
            crawler.signals.connect(state.feeds_closed, signals.feed_exporter_closed)
        crawler.signals.connect(state.spider_closed, signals.spider_closed)
        return state

    @classmethod
    def of(cls, crawler) -> ArticleState:
        """The crawl's state, for a component that needs it: NotConfigured without STATE_FILE."""
        state = crawler.get_extension(cls)
        if state is None:
            raise NotConfigured
        return state

    def __init__(self, rows: StateRows):
        self.rows = rows
        # The articles of this run, to be recorded once every feed that uploads at its close has stored
        # (None: every feed has an article the moment it is exported, a local file or stdout).
        self.later: list[tuple[str, str, str, int, bool]] | None = None
        self.crawler = None

    @property
    def answering(self) -> bool:
        """Whether the state still answers (see StateRows): while it does not, no article can be labelled."""
        return self.rows.answering

    def known(self, url: str) -> KnownArticle | None:
        row = self.rows.get("articles", url)
        if row is None:
            return None
        return KnownArticle(url, row["page_count"], bool(row["complete"]), row["etag"], row["last_modified"],
                            row["first_page_sha256"], row.get("last_checked"))

    def listed(self, url: str) -> Listed | None:
        row = self.rows.get("listed", url)
        return Listed(row["title"], row["rank"]) if row else None

    def checked_before(self, known: KnownArticle, moment: datetime) -> bool:
        """Whether an article's last check is older than ``moment``."""
        return known.last_checked is None or known.last_checked < _stamp(moment)

    def due(self, checked_before: datetime) -> list[str]:
        """The articles to fetch again whatever the listings show: complete ones not checked since
        ``checked_before``, every incomplete one, and every one a listing gave whose first page was fetched but
        which never reached the feed (a pipeline failed on it, or the run was killed before)."""
        before = _stamp(checked_before)
        articles = list(self.rows.rows("articles"))
        known = {row["url"] for row in articles}
        due = {row["url"] for row in articles
               if not row["complete"] or not row.get("last_checked") or row["last_checked"] < before}
        due |= {row["url"] for row in self.rows.rows("first_pages")
                if row["url"] not in known and row.get("listed_title") is not None}
        return sorted(due)

    def first_page_fetched(self, url: str, etag: str | None, last_modified: str | None, body: bytes,
                           listed: Listed | None = None) -> None:
        """Remember a first page's validators, and how its listing showed it; they become the article's when it
        is recorded (in the feed), not before."""
        self.rows.put("first_pages", url, {
            "etag": etag, "last_modified": last_modified, "body_sha256": sha256(body),
            "listed_title": listed.title if listed else None, "listed_rank": listed.rank if listed else None})

    def listing_read(self, url: str, items: list[tuple[str, str]]) -> None:
        """A listing page fetched now, and the (URL, title) items it held."""
        stamp = _stamp(now())
        old = self.rows.get("listings", url)
        self.rows.put("listings", url, {"first_seen": old["first_seen"] if old else stamp, "last_fetched": stamp,
                                        "items": json.dumps(items, ensure_ascii=False)})

    def listing_fetched_before(self, url: str, moment: datetime) -> bool:
        """Whether a listing page was last fetched before ``moment`` (not when it was never fetched)."""
        row = self.rows.get("listings", url)
        return row is not None and row["last_fetched"] < _stamp(moment)

    def sitemap(self, url: str) -> dict[str, Any] | None:
        """The validators of a sitemap of pages (not an index) as last read: ``etag``, ``last_modified``,
        ``body_sha256``."""
        return self.rows.get("sitemaps", url)

    def sitemap_read(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        """A sitemap of pages read now: a later run reads it again only if it changed."""
        self.rows.put("sitemaps", url, {"etag": etag, "last_modified": last_modified, "body_sha256": sha256(body)})

    def show_listed(self, url: str, title: str, rank: int) -> None:
        """How a listing shows an article, once the article was checked against it."""
        self.rows.put("listed", url, {"title": title, "rank": rank})

    def status(self, url: str, title: str, text: str, complete: bool) -> str:
        """What an article is against what earlier runs saw: new, changed, completed or unchanged."""
        old = self.rows.get("articles", url)
        if old is None:
            return NEW
        if old["complete"] and not complete:
            return UNCHANGED  # a page failed this time: the complete text known from before stands
        if old["text_sha256"] != sha256(text) or (old.get("title") is not None and old["title"] != title):
            return CHANGED if not complete or old["complete"] else COMPLETED
        return COMPLETED if complete and not old["complete"] else UNCHANGED

    def record(self, url: str, title: str, text: str, page_count: int, complete: bool) -> None:
        """Store an article as seen now (once it is in the feed), with its first page's validators.

        With a feed that uploads at its close (S3, FTP…), only once it has stored: see ``feeds_closed``.
        """
        if self.later is not None:
            self.later.append((url, title, sha256(text), page_count, complete))
        else:
            self._record(url, title, sha256(text), page_count, complete)

    def spider_closed(self) -> None:
        """The crawl is over: the state closes, unless it waits for feeds that upload at their close."""
        if self.later is None or self.crawler.get_extension(FeedExporter) is None:
            self.close()

    def feeds_closed(self) -> None:
        """Every feed is closed: the run's articles are recorded if every upload at close went through, else
        none is (the run exits 1, and the next run writes them again). Then the state closes."""
        if self.later:
            failed = sum(n for key, n in self.crawler.stats.get_stats().items()
                         if key.startswith("feedexport/failed_count/"))
            if failed:
                self.crawler.stats.set_value("articles/not_recorded", len(self.later))
                self.crawler.spider.logger.error(
                    "%d articles are not recorded in the state: %d feeds failed to store them at the end; "
                    "the next run writes them again", len(self.later), failed)
            else:
                for row in self.later:
                    self._record(*row)
        self.close()

    def _record(self, url: str, title: str, text_sha256: str, page_count: int, complete: bool) -> None:
        old = self.rows.get("articles", url)
        if old is not None and old["complete"] and not complete:
            self.seen_unchanged(url)  # keep the complete text known from before
            return
        stamp = _stamp(now())
        page = self.rows.get("first_pages", url) or {}
        if page.get("listed_title") is not None:
            self.show_listed(url, page["listed_title"], page["listed_rank"])
        self.rows.put("articles", url, {
            "text_sha256": text_sha256, "page_count": page_count, "complete": int(complete),
            "first_seen": old["first_seen"] if old else stamp, "last_seen": stamp,
            "etag": page.get("etag"), "last_modified": page.get("last_modified"),
            "first_page_sha256": page.get("body_sha256"), "last_checked": stamp, "title": title})

    def seen_unchanged(self, url: str) -> None:
        """An article re-checked (through its first page, or whole) and found unchanged."""
        old = self.rows.get("articles", url)
        if old is not None:
            stamp = _stamp(now())
            self.rows.put("articles", url, {**{k: v for k, v in old.items() if k != "url"},
                                            "last_seen": stamp, "last_checked": stamp})

    def close(self) -> None:
        self.rows.close()


def older_than(seconds: float) -> datetime:
    """The moment ``seconds`` ago."""
    return now() - timedelta(seconds=seconds)
