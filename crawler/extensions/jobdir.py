"""A JOBDIR that serves scheduled runs: a run that finished leaves it ready for the next, one that stopped is resumed.

Scrapy's JOBDIR keeps a crawl's queue and every request it has seen, so that a
stopped crawl resumes where it stopped. Kept after a crawl that finished, it
would make the next day's run find every request seen and fetch nothing. So a
crawl that finishes marks its JOBDIR finished, and the next crawl given that
JOBDIR starts anew: the queue, the requests seen, the spider's state and the
merge step's pages of the finished crawl are removed before Scrapy reads them.
A crawl that stopped any other way (Ctrl-C, SIGTERM, a CLOSESPIDER_* limit,
Redis lost) leaves no mark, and the next run resumes it. A crawl killed outright
(SIGKILL) could not save its queue, which Scrapy saves only when it closes: the
next run starts anew, and the state (STATE_FILE) knows the articles it wrote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

FINISHED = "finished"  # the mark: a file in JOBDIR
# What a crawl keeps in JOBDIR: Scrapy's queue, its seen requests and spider state, and the merge step's pages.
JOB_FILES = ("requests.queue", "requests.seen", "spider.state", "merge.sqlite", "merge.sqlite-wal", "merge.sqlite-shm")


class ReusableJobDir:
    """Extension: clear a finished crawl's JOBDIR before the next crawl reads it; mark it when a crawl finishes."""

    def __init__(self, crawler, jobdir: Path):
        self.crawler, self.jobdir = crawler, jobdir
        # Scrapy writes which queues hold requests (requests.queue/active.json) only when a crawl closes: a crawl
        # killed outright (SIGKILL, a power cut) leaves its queue unreadable, and its seen requests would filter
        # out even the start request. Such a JOBDIR is started anew too; the state knows what that crawl wrote.
        killed = (jobdir / "requests.seen").exists() and not (jobdir / "requests.queue" / "active.json").exists()
        if (jobdir / FINISHED).exists() or killed:  # extensions are built before the scheduler and pipelines read it
            for name in JOB_FILES:
                path = jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            (jobdir / FINISHED).unlink(missing_ok=True)
            crawler.stats.set_value("jobdir/started_anew", 1)
            if killed:
                crawler.stats.set_value("jobdir/last_run_killed", 1)  # its queue is lost: the summary says so
            crawler.spider.logger.info(
                "JOBDIR %s: the last crawl in it %s; this one starts anew", jobdir,
                "was killed before it could save its queue" if killed else "finished")
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        return cls(crawler, Path(jobdir))

    def spider_closed(self, spider, reason: str) -> None:
        if reason == "finished":
            self.jobdir.mkdir(parents=True, exist_ok=True)
            (self.jobdir / FINISHED).write_text("The crawl in this JOBDIR finished: the next one starts anew.\n")
