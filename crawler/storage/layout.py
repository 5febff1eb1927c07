"""The saved-page layout, one file per page, shared by the mirror, the replay and the replica tools.

A site is saved as ``DIR/<host>/<path>``, the layout of ``wget -x``, made safe
for every common file system:

- a URL whose path ends in ``/`` is saved as ``index.html`` in that folder, and
  so is a URL whose name is also a folder (``/news`` beside ``/news/1.html``);
- a query string is kept in the file name after ``@`` (as ``wget
  --restrict-file-names=windows`` does): ``/plus/view.php?aid=1`` is
  ``plus/view.php@aid=1``;
- characters that a file name cannot hold on Windows, Linux or macOS
  (``< > : " | ? * \\ /``, control characters), and ``%`` and ``@`` themselves,
  are written ``%XX``;
- names Windows reserves (``CON``, ``NUL``, ``COM1``…, with any extension) and
  names ending in a dot or a space get their first or last character written ``%XX``;
- a name longer than 200 bytes keeps its start and gets a hash of the whole;
- a port other than the scheme's default is kept as ``<host>+<port>``;
- ``.`` and ``..`` segments, also written ``%2e%2e``, are resolved within the
  host's folder, never above it.

Two URLs share a file exactly when they have the same host and port, the same
query, and the same path as a server reads it: percent-decoded, ``\\`` taken
as ``/``, ``.`` and ``..`` resolved, empty segments dropped, and a trailing
``/`` read as ``/index.html`` (and a name that is also a folder as that folder's
``index.html``). So ``/a%2Fb``, ``/a//b`` and ``/a/b`` share one
file, and ``/news/`` and ``/news/index.html`` share one; any other two URLs
have files of their own, and no URL maps outside its host's folder.

Beside the pages, ``DIR/mirror-index.sqlite`` (``MirrorIndex``) tells the
status, content type and redirect each page was served with.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

INDEX_FILE = "mirror-index.sqlite"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNSAFE = re.compile(r'[%@<>:"|?*\\/\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)
MAX_NAME_BYTES = 200
_HOST_FOLDER = re.compile(r"(?:[a-z0-9-]+\.)+[a-z0-9-]+(?:\+\d+)?")  # a host as url_to_path writes it


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


def saved_url(path: Path) -> str:
    """The URL a file saved in this layout (DIR/<host>/<path>) stood for; a file: URL when it is not in one.

    DIR is the first folder down the path that holds the mirror index or only
    host folders, so a dot in a folder above it (``/tmp/tmp.x1Y``,
    ``~/my.project``) or in the page's own path is not taken for the host. A
    dotted folder alone in its parent looks like a saved site itself: give
    ``explain --url`` then.
    """
    parts = path.resolve().parts
    for i in range(1, len(parts) - 1):
        if _HOST_FOLDER.fullmatch(parts[i]) and _is_layout_root(Path(*parts[:i])):
            rest, _, query = "/".join(parts[i + 1:]).partition("@")
            rest = rest.removesuffix("index.html")
            return f"http://{parts[i].replace('+', ':')}/{quote(rest)}" + (f"?{query}" if query else "")
    return path.resolve().as_uri()


def _is_layout_root(folder: Path) -> bool:
    try:
        if (folder / INDEX_FILE).exists():
            return True
        return all(_HOST_FOLDER.fullmatch(child.name) for child in folder.iterdir()
                   if child.is_dir() and not child.name.startswith("."))
    except OSError:  # a folder we may not read is not the saved site's
        return False


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
            "CREATE TABLE IF NOT EXISTS crawl (key TEXT PRIMARY KEY, value TEXT);"
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

    def get_meta(self, key: str) -> str | None:
        """A fact about the mirror's crawl (``start_url``: where it started)."""
        row = self._db.execute("SELECT value FROM crawl WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO crawl VALUES (?, ?)", (key, value))
        self._db.commit()

    def close(self) -> None:
        self._db.close()


