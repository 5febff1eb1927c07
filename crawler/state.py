"""What earlier runs saw: the state file of incremental crawls (setting STATE_FILE), one SQLite file.

For every article written it keeps the URL, a hash of its cleaned text, its
page count, whether it was complete, when it was first and last seen and last
checked, the validators of its first page (ETag, Last-Modified, a hash of the
body), and the title and place a listing last gave it. For every listing page,
when it was first seen and last fetched, and what it held. What is done with
it is ``crawler.incremental``'s.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scrapy import signals

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


# The state of each running crawl, shared by every component that reads it.
_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ArticleState:
    """The state file: known articles and listings, and the first pages fetched in this run."""

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
        for table, columns in _ADDED.items():
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")

    def known(self, url: str) -> KnownArticle | None:
        row = self._db.execute(
            "SELECT url, page_count, complete, etag, last_modified, first_page_sha256, last_checked"
            " FROM articles WHERE url = ?",
            (url,),
        ).fetchone()
        return KnownArticle(row[0], row[1], bool(row[2]), *row[3:]) if row else None

    def listed(self, url: str) -> Listed | None:
        row = self._db.execute("SELECT title, rank FROM listed WHERE url = ?", (url,)).fetchone()
        return Listed(*row) if row else None

    def checked_before(self, known: KnownArticle, moment: datetime) -> bool:
        """Whether an article's last check is older than ``moment``."""
        return known.last_checked is None or known.last_checked < _stamp(moment)

    def due(self, checked_before: datetime) -> list[str]:
        """The articles to fetch again whatever the listings show: complete ones not checked since
        ``checked_before``, and every incomplete one."""
        rows = self._db.execute(
            "SELECT url FROM articles WHERE complete = 0 OR last_checked IS NULL OR last_checked < ? ORDER BY url",
            (_stamp(checked_before),),
        )
        return [url for (url,) in rows]

    def first_page_fetched(self, url: str, etag: str | None, last_modified: str | None, body: bytes,
                           listed: Listed | None = None) -> None:
        """Remember a first page's validators, and how its listing showed it; they become the article's when it
        is recorded (in the feed), not before."""
        self._db.execute(
            "INSERT OR REPLACE INTO first_pages VALUES (?, ?, ?, ?, ?, ?)",
            (url, etag, last_modified, sha256(body), *((listed.title, listed.rank) if listed else (None, None))),
        )

    def listing_read(self, url: str, items: list[tuple[str, str]]) -> None:
        """A listing page fetched now, and the (URL, title) items it held."""
        stamp = _stamp(now())
        self._db.execute(
            """INSERT INTO listings VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET
               last_fetched = excluded.last_fetched, items = excluded.items""",
            (url, stamp, stamp, json.dumps(items, ensure_ascii=False)),
        )
        self._db.commit()

    def listing_fetched_before(self, url: str, moment: datetime) -> bool:
        """Whether a listing page was last fetched before ``moment`` (not when it was never fetched)."""
        row = self._db.execute("SELECT last_fetched FROM listings WHERE url = ?", (url,)).fetchone()
        return row is not None and row[0] < _stamp(moment)

    def show_listed(self, url: str, title: str, rank: int) -> None:
        """How a listing shows an article, once the article was checked against it."""
        self._db.execute("INSERT OR REPLACE INTO listed VALUES (?, ?, ?)", (url, title, rank))
        self._db.commit()

    def status(self, url: str, title: str, text: str, complete: bool) -> str:
        """What an article is against what earlier runs saw: new, changed, completed or unchanged."""
        old = self._db.execute("SELECT text_sha256, complete, title FROM articles WHERE url = ?", (url,)).fetchone()
        if old is None:
            return NEW
        if old[1] and not complete:
            return UNCHANGED  # a page failed this time: the complete text known from before stands
        if old[0] != sha256(text) or (old[2] is not None and old[2] != title):
            return CHANGED if not complete or old[1] else COMPLETED
        return COMPLETED if complete and not old[1] else UNCHANGED

    def record(self, url: str, title: str, text: str, page_count: int, complete: bool) -> None:
        """Store an article as seen now (once it is in the feed), with its first page's validators."""
        old = self._db.execute("SELECT complete FROM articles WHERE url = ?", (url,)).fetchone()
        if old is not None and old[0] and not complete:
            self.seen_unchanged(url)  # keep the complete text known from before
            return
        stamp = _stamp(now())
        page = self._db.execute(
            "SELECT etag, last_modified, body_sha256, listed_title, listed_rank FROM first_pages WHERE url = ?", (url,)
        ).fetchone() or (None, None, None, None, None)
        if page[3] is not None:
            self._db.execute("INSERT OR REPLACE INTO listed VALUES (?, ?, ?)", (url, page[3], page[4]))
        page = page[:3]
        self._db.execute(
            """INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET text_sha256 = excluded.text_sha256,
                 page_count = excluded.page_count, complete = excluded.complete, last_seen = excluded.last_seen,
                 etag = excluded.etag, last_modified = excluded.last_modified,
                 first_page_sha256 = excluded.first_page_sha256, last_checked = excluded.last_checked,
                 title = excluded.title""",
            (url, sha256(text), page_count, int(complete), stamp, stamp, *page, stamp, title),
        )
        self._db.commit()

    def seen_unchanged(self, url: str) -> None:
        """An article re-checked (through its first page, or whole) and found unchanged."""
        stamp = _stamp(now())
        self._db.execute("UPDATE articles SET last_seen = ?, last_checked = ? WHERE url = ?", (stamp, stamp, url))
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()


def older_than(seconds: float) -> datetime:
    """The moment ``seconds`` ago."""
    return now() - timedelta(seconds=seconds)
