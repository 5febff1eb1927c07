"""Feeds that survive a killed process: each record reaches the file (the OS) as it is exported."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class UnbufferedFileFeedStorage(FileFeedStorage):
    """Scrapy's file storage, unbuffered: an article the feed has exported is in the file, even if the
    process is killed the next instant (SIGKILL, the OOM killer). The merge marks an article written only
    after that."""

    def open(self, spider: Any) -> IO[Any]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return Path(self.path).open(self.write_mode, buffering=0)
