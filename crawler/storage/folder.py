"""Saved pages as a folder: each body byte for byte in the layout of ``crawler.storage.layout``, with
``mirror-index.sqlite`` (status, content type, redirect, hash). Storing the same bytes again leaves the file
untouched.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from itertools import pairwise
from pathlib import Path

from scrapy.http import Request, Response

from crawler.storage.base import (
    CHANGED,
    FAILED,
    NEW,
    UNCHANGED,
    PageStorage,
    SavedResponse,
    SavedSite,
    StorageError,
    now_stamp,
)
from crawler.storage.layout import INDEX_FILE, MirrorIndex, saved_file


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
            "fetched_at": now_stamp(),
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
        self.index.put(request.url, error=reason, fetched_at=now_stamp())

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


