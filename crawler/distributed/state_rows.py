"""The incremental state of a shared crawl, in Redis under the job's name (``STATE_ROWS`` in a shared crawl)."""

from __future__ import annotations

import json
from typing import Any

from scrapy_redis import connection

from crawler.distributed.job import JobKeys, RedisLost, guarded, job_name


class RedisRows:
    """The incremental state of a shared crawl (crawler.state.rows): one hash a table, ``JOB:state:TABLE``, a row of
    JSON per URL. Unlike the job's other keys it outlives the job: the next run reads it."""

    def __init__(self, server, job: str, lost: RedisLost | None = None):
        self.server, self.keys, self.lost = server, JobKeys(job), lost

    @classmethod
    def from_crawler(cls, crawler) -> RedisRows:
        return cls(connection.from_settings(crawler.settings), job_name(crawler.settings), RedisLost(crawler))

    @property
    def answering(self) -> bool:
        return self.lost is None or not self.lost.happened

    @guarded()
    def get(self, table: str, url: str) -> dict[str, Any] | None:
        data = self.server.hget(self.keys.state(table), url)
        return json.loads(data) if data else None

    @guarded()
    def put(self, table: str, url: str, row: dict[str, Any]) -> None:
        self.server.hset(self.keys.state(table), url, json.dumps({"url": url, **row}, ensure_ascii=False))

    @guarded(default=[])
    def rows(self, table: str) -> list[dict[str, Any]]:
        return [json.loads(data) for _, data in self.server.hscan_iter(self.keys.state(table), count=1000)]

    def close(self) -> None:
        """Nothing to close: the connection is the job's."""
