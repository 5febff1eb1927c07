"""Saved pages as WARC 1.1 (warcio): every request and response, headers and body as received."""

from __future__ import annotations

from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.storage.base import FAILED, NEW, UNREADABLE, PageStorage, SavedResponse, SavedSite, StorageError


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
                except UNREADABLE as exc:
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
        except UNREADABLE as exc:
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
        except UNREADABLE as exc:
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
        except UNREADABLE:
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


