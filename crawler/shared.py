"""One crawl shared by several processes through Redis (``-s REDIS_URL=redis://HOST:PORT/DB``).

scrapy-redis's scheduler and duplicate filter hold the frontier; this module
(the job: its settings, its keys, its incremental state) and two others close
what they leave open:

- **Leases** (``crawler.frontier``). A request taken from the frontier is leased to its worker, not
  deleted (``LeasedQueue``). The worker acknowledges it once the callback's
  items have gone through the pipelines and its requests are in the frontier;
  a heartbeat renews its leases. A lease that expires (its worker died) goes
  back to the frontier as it was, past the duplicate filter: delivery is at
  least once.
- **The end of the job** (``crawler.frontier``). A worker ends when nothing is queued or leased in the
  whole job; the articles still waiting then lack pages for good, and are
  written by whichever worker takes them.
- **One merge buffer** (``crawler.sharedmerge``): "keep this page; if its article is
  now whole, take it for this worker" is one Lua script, so an article whose
  pages reach several workers at once is written once, by one of them. It is
  marked written only after its feed has it; a taker that died before that
  gives it back.
- **The incremental state** (``RedisRows``): what earlier runs of the job saw,
  for every worker, under ``JOB:state:``.

Every key of a job starts with ``CRAWL_JOB:`` (default: the spider's name).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from typing import Any

from scrapy_redis import connection


def job_name(settings) -> str:
    return settings.get("CRAWL_JOB") or settings.get("BOT_NAME", "hometown")


def worker_name() -> str:
    """This process, as the job knows it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def shared_settings(settings) -> None:
    """With REDIS_URL: the frontier, the duplicate filter and the merge buffer in Redis, under the job's keys."""
    job = job_name(settings)
    for name, value in {
        "SCHEDULER": "crawler.frontier.SharedScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{job}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{job}:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the job's keys outlive one worker; the last one clears them
        "MERGE_STORE": "crawler.sharedmerge.RedisPageStore",
    }.items():
        settings.set(name, value, priority="spider")


def join_job(settings, start_url: str | None) -> str | None:
    """The job's start URL: ``start_url`` is recorded when it seeds the job; a worker without one joins it.

    None if there is no job to join.
    """
    server = connection.from_settings(settings)
    key = f"{job_name(settings)}:site"
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
        self.claims = f"{job}:claims"  # article -> the worker writing it
        self.written = f"{job}:written"
        self.site = f"{job}:site"
        self.domains = f"{job}:domains"  # hosts the start URL landed on, after redirects
        self.turns = f"{job}:turns"  # host -> when its next request may go (crawler.pacing)
        self.dupefilter = f"{job}:dupefilter"

    def alive(self, worker: str) -> str:
        return f"{self.job}:alive:{worker}"

    def pages(self, article_url: str) -> str:
        return f"{self.job}:pages:{article_url}"

    def outlines(self, article_url: str) -> str:
        return f"{self.job}:outline:{article_url}"


class RedisRows:
    """The incremental state of a shared crawl (crawler.state): one hash a table, ``JOB:state:TABLE``, a row of
    JSON per URL. Unlike the job's other keys it outlives the job: the next run reads it."""

    def __init__(self, server, job: str):
        self.server, self.job = server, job

    @classmethod
    def from_settings(cls, settings) -> RedisRows:
        return cls(connection.from_settings(settings), job_name(settings))

    def _key(self, table: str) -> str:
        return f"{self.job}:state:{table}"

    def get(self, table: str, url: str) -> dict[str, Any] | None:
        data = self.server.hget(self._key(table), url)
        return json.loads(data) if data else None

    def put(self, table: str, url: str, row: dict[str, Any]) -> None:
        self.server.hset(self._key(table), url, json.dumps({"url": url, **row}, ensure_ascii=False))

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        return (json.loads(data) for _, data in self.server.hscan_iter(self._key(table), count=1000))

    def close(self) -> None:
        """Nothing to close: the connection is the job's."""
