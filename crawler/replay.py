"""Offline replay: answer every request from saved pages, never from the network.

The source is a folder of saved pages or a WARC file (``-a replay=DIR`` or
``-a replay=crawl.warc.gz``). A folder is laid out as ``DIR/<host>/<path>``,
the layout of ``wget -x``, made safe for every common file system:

- a URL whose path ends in ``/`` is saved as ``index.html`` in that folder, and
  so is a URL whose name is also a folder (``/news`` beside ``/news/1.html``);
- a query string is kept in the file name after ``@`` (as ``wget
  --restrict-file-names=windows`` does): ``/plus/view.php?aid=1`` is
  ``plus/view.php@aid=1``;
- characters that a file name cannot hold on Windows, Linux or macOS
  (``< > : " | ? * \\ /``, control characters), and ``%`` and ``@`` themselves,
  are written ``%XX``, so that two URLs never share a file;
- names Windows reserves (``CON``, ``NUL``, ``COM1``…, with any extension) and
  names ending in a dot or a space get their first or last character written ``%XX``;
- a name longer than 200 bytes keeps its start and gets a hash of the whole;
- a port other than the scheme's default is kept as ``<host>+<port>``;
- ``.`` and ``..`` segments, also written ``%2e%2e``, are resolved within the
  host's folder, never above it.

Beside the pages, ``DIR/mirror-index.sqlite`` (written by the mirror) tells the
status and content type each page was served with.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator

INDEX_FILE = "mirror-index.sqlite"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNSAFE = re.compile(r'[%@<>:"|?*\\/\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)
MAX_NAME_BYTES = 200


def _escape(char: str) -> str:
    return "".join(f"%{b:02X}" for b in char.encode("utf-8"))


def safe_name(name: str, query: str | None = None) -> str:
    """A path segment (and the query, after ``@``) as a file name every common file system accepts, one to one."""
    name = _UNSAFE.sub(lambda m: _escape(m.group()), name)
    if query is not None:
        name += "@" + _UNSAFE.sub(lambda m: _escape(m.group()), query)
    if _RESERVED.match(name):
        name = _escape(name[0]) + name[1:]
    if name.endswith((".", " ")):
        name = name[:-1] + _escape(name[-1])
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        head = name.encode("utf-8")[:150].decode("utf-8", "ignore")
        name = f"{head}~{digest}"
    return name


def url_to_path(url: str) -> PurePosixPath:
    """The relative file path a URL is saved under."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}+{parts.port}"
    segments: list[str] = []
    for segment in unquote(parts.path).replace("\\", "/").split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    if not segments or parts.path.endswith("/"):
        segments.append("index.html")
    names = [safe_name(s) for s in segments[:-1]]
    names.append(safe_name(segments[-1], parts.query or None))
    return PurePosixPath(safe_name(host), *names)


def saved_file(root: Path, url: str) -> Path:
    """Where the page of ``url`` is (or goes) under ``root``.

    url_to_path gives only safe names and never a ``..``, so this is always
    inside ``root`` without asking the file system (the mirror calls it for
    every page); a name that is a folder means that folder's index.html.
    """
    path = root / url_to_path(url)
    return path / "index.html" if path.is_dir() else path


class MirrorIndex:
    """``DIR/mirror-index.sqlite``: for each URL fetched, its file, status, content type, fetch time and SHA-256.

    SQLite, so that the mirror updates it page by page without holding it in
    memory, and a crawl killed outright still leaves it up to its last page.
    """

    FIELDS = ("url", "file", "status", "content_type", "fetched_at", "sha256", "error", "location")

    def __init__(self, root: Path):
        self._db = sqlite3.connect(Path(root) / INDEX_FILE)
        # No fsync at all: on ext4 an fsync waits for every page the mirror has
        # written so far to reach the disk (seconds on a large mirror). A process
        # that dies loses nothing; a power cut may cost the index, not the pages.
        self._db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, file TEXT, status INTEGER,"
            " content_type TEXT, fetched_at TEXT, sha256 TEXT, error TEXT, location TEXT);"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(pages)")}
        if "location" not in columns:  # an index written before redirects were kept
            self._db.execute("ALTER TABLE pages ADD COLUMN location TEXT")

    def get(self, url: str) -> dict | None:
        row = self._db.execute(f"SELECT {', '.join(self.FIELDS)} FROM pages WHERE url = ?", (url,)).fetchone()
        return dict(zip(self.FIELDS, row)) if row else None

    def put(self, url: str, **fields) -> None:
        """Record ``url`` as fetched now, replacing what was known of it."""
        values = [url, *(fields.get(f) for f in self.FIELDS[1:])]
        self._db.execute(f"INSERT OR REPLACE INTO pages VALUES ({', '.join('?' * len(values))})", values)
        self._db.commit()

    def moved(self, old_file: str, new_file: str) -> None:
        self._db.execute("UPDATE pages SET file = ? WHERE file = ?", (new_file, old_file))
        self._db.commit()

    def entries(self) -> list[dict]:
        rows = self._db.execute(f"SELECT {', '.join(self.FIELDS)} FROM pages ORDER BY url")
        return [dict(zip(self.FIELDS, row)) for row in rows]

    def close(self) -> None:
        self._db.close()


@dataclass
class SavedResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class DirectorySource:
    """Saved pages in a folder, in the layout of url_to_path, with the mirror's index if there is one."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotConfigured(f"replay source {root} is not a directory")
        self.index = MirrorIndex(self.root) if (self.root / INDEX_FILE).is_file() else None

    def get(self, url: str) -> SavedResponse | None:
        """The saved response for ``url``, or None when it was not saved."""
        entry = (self.index.get(url) if self.index else None) or {}
        if entry.get("location") and 300 <= (entry.get("status") or 0) < 400:
            return SavedResponse(entry["status"], b"", {"Location": entry["location"]})
        path = saved_file(self.root, url)
        if not path.is_file():
            return None
        content_type = entry.get("content_type") or mimetypes.guess_type(path.name)[0] or "text/html"
        return SavedResponse(entry.get("status") or 200, path.read_bytes(), {"Content-Type": content_type})


class WarcSource:
    """The responses of a WARC file, found by URL (the last record of a URL wins)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.offsets: dict[str, int] = {}
        with self.path.open("rb") as f:
            records = ArchiveIterator(f)
            for record in records:
                if record.rec_type == "response":
                    self.offsets[record.rec_headers.get_header("WARC-Target-URI")] = records.get_record_offset()

    def get(self, url: str) -> SavedResponse | None:
        offset = self.offsets.get(url)
        if offset is None:
            return None
        with self.path.open("rb") as f:
            f.seek(offset)
            record = next(iter(ArchiveIterator(f)))
            headers = record.http_headers
            body = record.content_stream().read()  # chunked and content encodings undone
            saved = {"Content-Type": headers.get_header("Content-Type") or "text/html"}
            if headers.get_header("Location"):
                saved["Location"] = headers.get_header("Location")
            return SavedResponse(int(headers.get_statuscode()), body, saved)


def open_source(path: str | Path) -> DirectorySource | WarcSource:
    """A folder of saved pages, or a WARC file (``.warc`` or ``.warc.gz``)."""
    if Path(path).is_file():
        return WarcSource(path)
    return DirectorySource(path)


class ReplayMiddleware:
    """Downloader middleware that serves every request from REPLAY_SOURCE.

    A page that is not there is answered 404, so it counts as a missing page
    exactly as it would on the live site.
    """

    def __init__(self, source: DirectorySource | WarcSource):
        self.source = source

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("REPLAY_SOURCE")
        if not root:
            raise NotConfigured
        return cls(open_source(root))

    def process_request(self, request: Request) -> Response:
        saved = self.source.get(request.url)
        if saved is None:
            return Response(request.url, status=404, request=request, flags=["replay"])
        cls = responsetypes.from_args(headers=saved.headers, url=request.url, body=saved.body)
        return cls(request.url, status=saved.status, headers=saved.headers, body=saved.body, request=request,
                   flags=["replay"])
