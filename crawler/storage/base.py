"""What every storage of saved pages has: its interface, what it gives back, and its errors."""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone

from scrapy.http import Request, Response
from warcio.exceptions import ArchiveLoadFailed

NEW, CHANGED, UNCHANGED, FAILED = "new", "changed", "unchanged", "failed"
UNREADABLE = (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error)


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


def now_stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


