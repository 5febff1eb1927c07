"""One crawl shared by several processes through Redis (``-s REDIS_URL=redis://HOST:PORT/DB``).

scrapy-redis's scheduler and duplicate filter hold the frontier; this module
(the job: its settings, its keys, its incremental state) and three others
close what they leave open:

- **Leases** (``crawler.distributed.leases``, ``crawler.distributed.scheduler``). A request taken from the frontier is
  leased to its worker, not deleted (``LeasedQueue``). The worker
  acknowledges it once the callback's items have gone through the pipelines
  and its requests are in the frontier; a heartbeat renews its leases. A
  lease that expires (its worker died) goes back to the frontier as it was,
  past the duplicate filter: delivery is at least once.
- **The end of the job** (``crawler.distributed.scheduler``). A worker ends when nothing is
  queued or leased in the whole job; the articles still waiting then lack
  pages for good, and are written by whichever worker takes them.
- **One merge buffer** (``crawler.distributed.merge_store``): "keep this page; if its
  article is now whole, take it for this worker" is one Lua script, so an
  article whose pages reach several workers at once is written once, by one
  of them. It is marked written only after its feed has it; a taker that died
  before that gives it back.
- **The incremental state** (``crawler.distributed.state_rows``): what earlier runs of the job saw,
  for every worker, under ``JOB:state:``.
- **Redis lost** (``RedisLost``): a worker whose Redis stops answering stops,
  with one error line.

Every key of a job starts with ``CRAWL_JOB:`` (default: the spider's name).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis import connection

logger = logging.getLogger(__name__)
LOST = "redis_lost"  # the reason a worker closes with when Redis stops answering


def job_name(settings) -> str:
    return settings.get("CRAWL_JOB") or settings.get("BOT_NAME", "hometown")


def worker_name() -> str:
    """This process, as the job knows it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def shared_settings(settings) -> None:
    """With REDIS_URL: the frontier, the duplicate filter, the merge buffer, the state and the pacing in Redis,
    under the job's keys. Scrapy's own stop, not the drain, keeps what is queued for the other workers."""
    keys = JobKeys(job_name(settings))
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    order = middlewares.get("crawler.downloadermiddlewares.pacing.HostPacing")
    middlewares.update({"crawler.downloadermiddlewares.pacing.HostPacing": None,
                        "crawler.distributed.pacing.SharedHostPacing": order,
                        "crawler.downloadermiddlewares.drain.DrainMiddleware": None})
    for name, value in {
        "SCHEDULER": "crawler.distributed.scheduler.SharedScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.leases.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "crawler.distributed.scheduler.GuardedDupeFilter",
        "SCHEDULER_PERSIST": True,  # the job's keys outlive one worker; the last one clears them
        "MERGE_STORE": "crawler.distributed.merge_store.RedisPageStore",
        "STATE_ROWS": "crawler.distributed.state_rows.RedisRows",
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }.items():
        settings.set(name, value, priority="spider")


def join_job(settings, start_url: str | None) -> str | None:
    """The job's start URL: ``start_url`` is recorded when it seeds the job; a worker without one joins it.

    None if there is no job to join.
    """
    server = connection.from_settings(settings)
    key = JobKeys(job_name(settings)).site
    if start_url:
        server.hsetnx(key, "start_url", start_url)
        return start_url
    known = server.hget(key, "start_url")
    return known.decode() if known else None


class JobKeys:
    """The Redis keys of one job: its name, a colon, and what they hold."""

    def __init__(self, job: str):
        self.job = job
        self.queue = f"{job}:requests"
        self.leased = f"{job}:leased"  # lease id -> the request, as queued
        self.scores = f"{job}:lease_scores"  # lease id -> its score in the queue
        self.leases = f"{job}:leases"  # lease id -> when it expires (Redis clock)
        self.lease_ids = f"{job}:lease_ids"
        self.waiting = f"{job}:waiting"  # articles with pages in the buffer, not taken
        self.claims = f"{job}:claims"  # article -> the worker writing it, and its fencing token: "worker|token"
        self.claim_tokens = f"{job}:claim_tokens"
        self.written = f"{job}:written"
        self.site = f"{job}:site"
        self.domains = f"{job}:domains"  # hosts the start URL landed on, after redirects
        self.turns = f"{job}:turns"  # host -> when its next request may go (crawler.downloadermiddlewares.pacing)
        self.dupefilter = f"{job}:dupefilter"

    def alive(self, worker: str) -> str:
        return f"{self.job}:alive:{worker}"

    def pages(self, article_url: str) -> str:
        return f"{self.job}:pages:{article_url}"

    def outlines(self, article_url: str) -> str:
        return f"{self.job}:outline:{article_url}"

    def state(self, table: str) -> str:
        """A table of the incremental state: unlike the others, kept when the job ends (the next run reads it)."""
        return f"{self.job}:state:{table}"


class RedisLost:
    """A worker whose Redis stops answering (refused, closed, or silent for its socket timeout, 30 s) stops.

    The job lives in Redis: without it a worker can neither take work nor write
    an article. It says so in one error line and closes with reason
    ``redis_lost`` (exit status 1); every later call to Redis is skipped. Its
    leases stay in Redis, so what it held is done again once Redis is back and
    they expire.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @property
    def happened(self) -> bool:
        """Whether any component of this crawl found Redis gone: the crawl's stats say so for all of them."""
        return bool(self.crawler.stats.get_value("redis/lost"))

    def report(self, exc: Exception) -> None:
        if self.happened:
            return
        self.crawler.stats.set_value("redis/lost", 1)
        log = self.crawler.spider.logger if self.crawler.spider is not None else logger
        log.error("Redis at %s stopped answering (%s): this worker stops. What it held is done again once Redis "
                  "is back (its data kept: --appendonly yes) and its leases expire; start the workers again then.",
                  self.crawler.settings.get("REDIS_URL"), exc)
        try:
            engine = self.crawler.engine
        except RuntimeError:  # the crawl has not started (Scrapy 2.19 raises then): nothing to close yet
            engine = None
        if engine is not None and engine.spider is not None:
            from twisted.internet import reactor  # not at import: the crawl command installs Scrapy's reactor later

            reactor.callLater(0, deferred_from_coro, engine.close_spider_async(reason=LOST))


def guarded(default: Any = None) -> Callable:
    """A method that talks to Redis: if Redis cannot be reached, ``self.lost`` (a RedisLost) stops the crawl
    and the method gives ``default``; once lost, Redis is not asked again."""

    def wrap(method: Callable) -> Callable:
        @functools.wraps(method)
        def call(self, *args: Any, **kwargs: Any) -> Any:
            lost = self.lost
            if lost is not None and lost.happened:
                return default
            try:
                return method(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                if lost is None:
                    raise
                lost.report(exc)
                return default

        return call

    return wrap


