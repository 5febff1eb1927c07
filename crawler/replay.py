"""Offline replay: answer every request from saved pages, never from the network.

Saved pages are laid out as ``DIR/<host>/<path>``, the layout of ``wget -x``:

- a URL whose path ends in ``/`` is saved as ``index.html`` in that folder;
- a query string is kept in the file name after ``@`` (as ``wget
  --restrict-file-names=windows`` does): ``/plus/view.php?aid=1`` is
  ``plus/view.php@aid=1``; a ``/`` or ``\\`` inside the query is written ``%2F`` / ``%5C``;
- a port other than the scheme's default is kept as ``<host>+<port>``;
- ``.`` and ``..`` segments are resolved within the host's folder, never above it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.responsetypes import responsetypes

_DEFAULT_PORTS = {"http": 80, "https": 443}


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
    if parts.query:
        segments[-1] += "@" + parts.query.replace("/", "%2F").replace("\\", "%5C")
    return PurePosixPath(host, *segments)


class DirectorySource:
    """Saved pages in a folder, in the layout of url_to_path."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotConfigured(f"replay source {root} is not a directory")

    def get(self, url: str) -> bytes | None:
        """The saved body of ``url``, or None when it was not saved."""
        path = (self.root / url_to_path(url)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path.read_bytes()


class ReplayMiddleware:
    """Downloader middleware that serves every request from REPLAY_SOURCE.

    A page that is not there is answered 404, so it counts as a missing page
    exactly as it would on the live site.
    """

    def __init__(self, source: DirectorySource):
        self.source = source

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("REPLAY_SOURCE")
        if not root:
            raise NotConfigured
        return cls(DirectorySource(root))

    def process_request(self, request: Request) -> Response:
        body = self.source.get(request.url)
        if body is None:
            return Response(request.url, status=404, request=request, flags=["replay"])
        content_type = mimetypes.guess_type(url_to_path(request.url).name)[0] or "text/html"
        headers = {"Content-Type": content_type}
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(request.url, status=200, headers=headers, body=body, request=request, flags=["replay"])
