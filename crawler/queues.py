"""Scrapy's disk queue for JOBDIR, made safe against a process killed outright.

queuelib's LifoDiskQueue writes its size header when the queue file is made and
again only when it is closed. A crawl killed with SIGKILL (the OOM killer, a
power cut of the process) can leave a queue file shorter than that header,
since the header was still in the file's write buffer. Opening such a file
raises ``struct.error``, so every request for that priority is lost in the
resumed run, without a trace. A file shorter than its header holds nothing
usable: it is started afresh. (A killed queue's other contents are already
ignored by queuelib, whose size header still says what it said at the start.)
"""

from __future__ import annotations

from pathlib import Path

from queuelib.queue import LifoDiskQueue
from scrapy.squeues import PickleLifoDiskQueue


class KillSafePickleLifoDiskQueue(PickleLifoDiskQueue):
    """Scrapy's default disk queue (SCHEDULER_DISK_QUEUE), restarting a queue file a killed process left empty."""

    def __init__(self, crawler, key: str):
        path = Path(key)
        if path.is_file() and path.stat().st_size < LifoDiskQueue.SIZE_SIZE:
            path.unlink()
        super().__init__(crawler, key)
