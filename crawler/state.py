"""What earlier runs saw, for incremental crawls: one SQLite file (setting STATE_FILE).

For every article emitted it keeps the URL, a hash of its cleaned text, its page
count, whether it was complete, when it was first and last seen, and the
validators of its first page (ETag, Last-Modified, a hash of the body) so that
the next run can re-check it through that page alone.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

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


class ArticleState:
    """The state file: known articles, and the first pages fetched in this run."""

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

    def record(self, url: str, text: str, page_count: int, complete: bool) -> str:
        """Store an article as seen now; return new, changed, completed or unchanged."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        text_hash = sha256(text)
        old = self._db.execute("SELECT text_sha256, complete FROM articles WHERE url = ?", (url,)).fetchone()
        if old is not None and old[1] and not complete:
            # A page failed this time: keep the complete text known from before.
            return UNCHANGED
        if old is None:
            status = NEW
        elif old[0] != text_hash:
            status = CHANGED if not complete or old[1] else COMPLETED
        elif complete and not old[1]:
            status = COMPLETED
        else:
            status = UNCHANGED
        page = self._db.execute(
            "SELECT etag, last_modified, body_sha256 FROM first_pages WHERE url = ?", (url,)
        ).fetchone() or (None, None, None)
        self._db.execute(
            """INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET text_sha256 = excluded.text_sha256,
                 page_count = excluded.page_count, complete = excluded.complete, last_seen = excluded.last_seen,
                 etag = excluded.etag, last_modified = excluded.last_modified,
                 first_page_sha256 = excluded.first_page_sha256""",
            (url, text_hash, page_count, int(complete), now, now, *page),
        )
        self._db.commit()
        return status

    def seen_unchanged(self, url: str) -> None:
        """An article re-checked through its first page and found unchanged."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._db.execute("UPDATE articles SET last_seen = ? WHERE url = ?", (now, url))

    def close(self) -> None:
        self._db.commit()
        self._db.close()
