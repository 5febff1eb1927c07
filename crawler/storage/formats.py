"""Where pages are kept: one class per storage format, each able to store and retrieve, chosen in one place.

As Scrapy's HTTP cache storages do (``scrapy/extensions/httpcache.py``), each
storage has the same small interface: ``store`` a response as the crawl
receives it, ``retrieve`` it by URL for a replay, and ``close``.

- ``FolderStorage``: the body of each page byte for byte in the layout of
  ``crawler.storage.layout``, with ``mirror-index.sqlite`` (status, content type,
  redirect, hash). Storing the same bytes again leaves the file untouched.
- ``WarcStorage``: every request and response as WARC 1.1 records (warcio),
  headers and body as received; opened once per crawl.

``open_storage(path)`` picks the class for a path, and ``describe_storage(path)``
checks that it holds a saved site and says where its crawl started.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.storage.layout import INDEX_FILE, MirrorIndex, saved_file

NEW, CHANGED, UNCHANGED, FAILED = "new", "changed", "unchanged", "failed"
_UNREADABLE = (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error)


class StorageError(Exception):
    """A saved site that cannot be read, said in one line."""


@dataclass
class SavedSite:
    """What a storage holds: the hosts of its pages (``host`` or ``host:port``), and where its crawl started."""

    hosts: list[str]
    start_url: str | None


@dataclass
class SavedResponse:
    """A response as a storage gives it back."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class PageStorage(ABC):
    """A place where pages are kept."""

    problems: tuple[str, ...] | list[str] = ()  # what is wrong with the saved site, known once it was read

    @abstractmethod
    def store(self, request: Request, response: Response) -> str:
        """Keep a response; return ``new``, ``changed``, ``unchanged`` or ``failed`` (not kept: an error status)."""

    @abstractmethod
    def retrieve(self, url: str) -> SavedResponse | None:
        """The response kept for ``url``, or None when there is none; StorageError when it cannot be read."""

    @abstractmethod
    def describe(self) -> SavedSite:
        """The hosts it holds and where its crawl started; StorageError when it holds no saved site."""

    def store_failure(self, request: Request, reason: str) -> None:
        """Note that a request got no response at all."""

    def close(self) -> None:
        """Release what the storage holds open."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FolderStorage(PageStorage):
    """Pages byte for byte under a folder, in the layout of ``crawler.storage.layout``, with the mirror index."""

    def __init__(self, root: str | Path, create: bool = False):
        self.root = Path(root).resolve()
        if create:
            self.root.mkdir(parents=True, exist_ok=True)
        self._folders: set[Path] = set()  # made in this crawl: no need to look at the disk again
        self.index = MirrorIndex(self.root) if create or (self.root / INDEX_FILE).is_file() else None

    def store(self, request: Request, response: Response) -> str:
        if request.meta.get("site_entry") and self.index.get_meta("start_url") is None:
            self.index.set_meta("start_url", request.meta.get("redirect_urls", [request.url])[0])
        entry = {
            "status": response.status,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1") or None,
            "fetched_at": _now(),
        }
        # The redirects that led here, so that a replay follows them as the crawl did.
        chain = [*request.meta.get("redirect_urls", []), response.url]
        for (source, target), status in zip(pairwise(chain), request.meta.get("redirect_reasons", [])):
            self.index.put(source, status=status if isinstance(status, int) else 301, location=target,
                           fetched_at=entry["fetched_at"])
        if not 200 <= response.status < 300:
            self.index.put(response.url, **entry)
            return FAILED
        outcome, file, digest = self.save(response.url, response.body)
        self.index.put(response.url, **entry, file=file, sha256=digest)
        return outcome

    def save(self, url: str, body: bytes) -> tuple[str, str, str]:
        """Write ``body`` as the page of ``url`` unless the same bytes are there already.

        Returns the outcome, the file (relative to the folder) and the body's SHA-256.
        """
        path = saved_file(self.root, url)
        digest = hashlib.sha256(body).hexdigest()
        exists = path.is_file()
        if exists and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            return UNCHANGED, path.relative_to(self.root).as_posix(), digest
        self._make_room(path)
        temporary = path.with_name(path.name + ".part~")
        temporary.write_bytes(body)
        os.replace(temporary, path)
        return (CHANGED if exists else NEW), path.relative_to(self.root).as_posix(), digest

    def _make_room(self, path: Path) -> None:
        """Create the page's folders; a file standing where a folder must go becomes its index.html."""
        if path.parent in self._folders:
            return
        for parent in reversed(path.relative_to(self.root).parents[:-1]):
            folder = self.root / parent
            if folder.is_file():
                moving = folder.with_name(folder.name + ".moving~")
                os.replace(folder, moving)
                folder.mkdir()
                os.replace(moving, folder / "index.html")
                if self.index:
                    self.index.moved(parent.as_posix(), f"{parent.as_posix()}/index.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._folders.add(path.parent)

    def store_failure(self, request: Request, reason: str) -> None:
        self.index.put(request.url, error=reason, fetched_at=_now())

    def retrieve(self, url: str) -> SavedResponse | None:
        entry = (self.index.get(url) if self.index else None) or {}
        if entry.get("location") and 300 <= (entry.get("status") or 0) < 400:
            return SavedResponse(entry["status"], b"", {"Location": entry["location"]})
        path = saved_file(self.root, url)
        if not path.is_file():
            return None
        content_type = entry.get("content_type") or mimetypes.guess_type(path.name)[0] or "text/html"
        return SavedResponse(entry.get("status") or 200, path.read_bytes(), {"Content-Type": content_type})

    def describe(self) -> SavedSite:
        if not self.root.is_dir():
            raise StorageError("no such folder")
        hosts = sorted(d.name.replace("+", ":") for d in self.root.iterdir() if d.is_dir())
        if not hosts:
            raise StorageError("holds no saved pages (a folder per host, as the mirror writes, is expected)")
        start_url = self.index.get_meta("start_url") if self.index else None
        if start_url is None and len(hosts) == 1 and (self.root / hosts[0].replace(":", "+") / "index.html").is_file():
            start_url = f"http://{hosts[0]}/"
        return SavedSite(hosts, start_url)

    def close(self) -> None:
        if self.index:
            self.index.close()


class WarcStorage(PageStorage):
    """Requests and responses as WARC 1.1 records (gzipped per record for ``.gz``); the last response of a URL wins.

    The file is opened once: for appending when the crawl stores, for reading
    when it retrieves (its response records are indexed by URL on the first
    retrieve).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._offsets: dict[str, int] | None = None
        self.problems: list[str] = []  # what was wrong with the file, found when it was indexed

    def store(self, request: Request, response: Response) -> str:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab")
            self._writer = WARCWriter(self._file, gzip=self.path.name.endswith(".gz"), warc_version="1.1")
            self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, {
                "software": "hometown-crawler (Scrapy)", "format": "WARC File Format 1.1",
            }))
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [("Host", parts.netloc), *_header_list(request.headers)]
        self._writer.write_record(self._writer.create_warc_record(
            request.url, "request", payload=BytesIO(request.body),
            http_headers=StatusAndHeaders(f"{request.method} {target} HTTP/1.1", request_headers,
                                          is_http_request=True),
        ))
        # Scrapy has undone the chunked transfer coding; the body is whole.
        response_headers = [(k, v) for k, v in _header_list(response.headers) if k.lower() != "transfer-encoding"]
        reason = HTTPStatus(response.status).phrase if response.status in HTTPStatus._value2member_map_ else ""
        self._writer.write_record(self._writer.create_warc_record(
            response.url, "response", payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(f"{response.status} {reason}".strip(), response_headers,
                                          protocol="HTTP/1.1"),
        ))
        return NEW if 200 <= response.status < 400 else FAILED

    def _build_index(self) -> None:
        """Index the whole response records by URL; a record cut short or corrupt is left out, and said."""
        self._file = self.path.open("rb")
        self._offsets, self.problems = {}, []
        records = ArchiveIterator(self._file, check_digests=True)
        try:
            for record in records:
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    record.raw_stream.read()
                except _UNREADABLE as exc:
                    wrong = f"cannot be decoded ({type(exc).__name__}: {exc})"
                else:
                    wrong = ("is cut short" if record.raw_stream.limit
                             else "does not match its payload digest" if record.digest_checker.passed is False
                             else None)
                if wrong is None:
                    self._offsets[url] = records.get_record_offset()
                else:
                    self._offsets.pop(url, None)
                    self.problems.append(f"the record of {url} {wrong}: that page is not replayed")
        except _UNREADABLE as exc:
            self.problems.append(f"it cannot be read past offset {records.offset} ({type(exc).__name__}: {exc})")
        if records.offset < self.path.stat().st_size and not any("past offset" in p for p in self.problems):
            self.problems.append(f"it ends mid-record: the {self.path.stat().st_size - records.offset} bytes after "
                                 f"offset {records.offset} are not a whole record and are ignored")

    def retrieve(self, url: str) -> SavedResponse | None:
        if self._offsets is None:
            self._build_index()
        offset = self._offsets.get(url)
        if offset is None:
            return None
        self._file.seek(offset)
        try:
            record = next(iter(ArchiveIterator(self._file)))
            headers = record.http_headers
            if "chunked" in (headers.get_header("Transfer-Encoding") or "").lower():
                body, encoding = record.content_stream().read(), None  # another tool's WARC: warcio undoes both
            else:
                # The body as received; Scrapy's HttpCompressionMiddleware undoes its Content-Encoding as it
                # does for a live response, and fails the page when that cannot be done.
                body, encoding = record.raw_stream.read(), headers.get_header("Content-Encoding")
        except _UNREADABLE as exc:
            raise StorageError(f"the saved response of {url} cannot be read ({type(exc).__name__}: {exc})") from exc
        saved = {"Content-Type": headers.get_header("Content-Type") or "text/html"}
        for name, value in (("Location", headers.get_header("Location")), ("Content-Encoding", encoding)):
            if value:
                saved[name] = value
        return SavedResponse(int(headers.get_statuscode()), body, saved)

    def describe(self) -> SavedSite:
        hosts: set[str] = set()
        start_url = None
        try:
            with self.path.open("rb") as f:
                for record in ArchiveIterator(f):
                    if record.rec_type == "response":
                        url = record.rec_headers.get_header("WARC-Target-URI") or ""
                        hosts.add(urlsplit(url).netloc.lower())
                        # The crawl's first response, robots.txt aside, is its start page (or its redirect).
                        if start_url is None and urlsplit(url).path != "/robots.txt":
                            start_url = url
        except _UNREADABLE:
            if not hosts:
                raise StorageError("not a WARC file: it does not start with a WARC record") from None
        if not hosts:
            raise StorageError("a WARC file with no response in it")
        return SavedSite(sorted(hosts), start_url)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _header_list(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


def open_storage(path: str | Path) -> PageStorage:
    """The storage a saved site is in: a folder of pages or a WARC file (``.warc``, ``.warc.gz``)."""
    path = Path(path)
    if path.is_dir():
        return FolderStorage(path)
    if path.is_file():
        return WarcStorage(path)
    raise StorageError("no such folder or file (a folder of saved pages or a WARC file is expected)")


def describe_storage(path: str | Path) -> SavedSite:
    """What the saved site at ``path`` holds; StorageError, in one line, when it is none."""
    storage = open_storage(path)
    try:
        return storage.describe()
    finally:
        storage.close()
