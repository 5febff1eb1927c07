"""The merge buffer of a shared crawl, in Redis (``RedisPageStore``).

"Keep this page; if its article is now whole, take it for this worker" is one
Lua script, so an article whose pages reach several workers at once is written
once, by one of them. It is marked written only after its feed has it; a taker
that died before that gives it back (``crawler.frontier`` reaps it).
"""

from __future__ import annotations

import json

from scrapy_redis import connection

from .items import PageItem
from .merge import LatePage, PageStore, page_from_json, page_to_json
from .shared import JobKeys, RedisLost, guarded, job_name, worker_name


def _outline(page: PageItem) -> str:
    """What the Lua wholeness check reads of a page: its other page numbers, the total, last, failed."""
    return json.dumps({"o": sorted(page.others), "t": page.total_pages or 0, "l": bool(page.is_last),
                       "f": bool(page.failed)})


# Keep a page (the first of each number wins); if the article is now whole, take it for this worker.
# The same rule as crawler.merge.is_whole. Returns -1: late, 0: waiting, else the article's pages.
_ADD = """
local article = ARGV[1]
if redis.call('SISMEMBER', KEYS[4], article) == 1 or redis.call('HEXISTS', KEYS[3], article) == 1 then
  return -1
end
redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]); redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[4])
redis.call('SADD', KEYS[5], article)
local have, numbers, closes, top = {}, {}, false, 0
local outlines = redis.call('HGETALL', KEYS[2])
for i = 1, #outlines, 2 do
  local n, o = tonumber(outlines[i]), cjson.decode(outlines[i + 1])
  have[n] = o; numbers[n] = true
  for _, m in ipairs(o.o) do numbers[m] = true end
  if o.t > 0 then closes = true; for m = 1, o.t do numbers[m] = true end end
  if o.l and not o.f then closes = true end
end
for n in pairs(numbers) do
  if not have[n] then return 0 end
  if n > top then top = n end
end
if not closes and not have[top].f then return 0 end
redis.call('HSET', KEYS[3], article, ARGV[5]); redis.call('SREM', KEYS[5], article)
return redis.call('HVALS', KEYS[1])
"""

_TAKE = """
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return {}
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2]); redis.call('SREM', KEYS[5], ARGV[1])
return redis.call('HVALS', KEYS[1])
"""


class RedisPageStore(PageStore):
    """The merge buffer of a shared crawl, in Redis: every worker's pages, each article taken by one worker."""

    persistent = True

    def __init__(self, server, job: str, worker: str, lost: RedisLost | None = None):
        self.server, self.keys, self.worker, self.lost = server, JobKeys(job), worker, lost
        self._add = server.register_script(_ADD)
        self._take = server.register_script(_TAKE)

    @classmethod
    def from_crawler(cls, crawler) -> RedisPageStore:
        return cls(connection.from_settings(crawler.settings), job_name(crawler.settings), worker_name(),
                   RedisLost.of(crawler))

    def _article_keys(self, article_url: str) -> list[str]:
        k = self.keys
        return [k.pages(article_url), k.outlines(article_url), k.claims, k.written, k.waiting]

    @guarded()  # lost with Redis: the page's request is not acknowledged, so it is done again
    def add(self, page: PageItem) -> dict[int, PageItem] | None:
        url = page.article_url
        taken = self._add(keys=self._article_keys(url),
                          args=[url, page.page_number, page_to_json(page), _outline(page), self.worker])
        if taken == -1:
            raise LatePage(page)
        return _pages(taken) if taken else None

    def keep(self, page: PageItem) -> dict[int, PageItem]:
        raise NotImplementedError("a shared store keeps and takes in one step: add()")

    @guarded(default={})
    def take(self, article_url: str) -> dict[int, PageItem]:
        return _pages(self._take(keys=self._article_keys(article_url), args=[article_url, self.worker]))

    @guarded()  # lost with Redis: the article may come out again, in another feed
    def written(self, article_url: str) -> None:
        k = self.keys
        pipe = self.server.pipeline()  # MULTI/EXEC: all of it or none
        pipe.sadd(k.written, article_url).hdel(k.claims, article_url)
        pipe.delete(k.pages(article_url), k.outlines(article_url))
        pipe.execute()

    @guarded(default=[])
    def article_urls(self) -> list[str]:
        return sorted(url.decode() for url in self.server.smembers(self.keys.waiting))

    @guarded(default=False)
    def was_written(self, article_url: str) -> bool:
        k = self.keys
        return bool(self.server.sismember(k.written, article_url) or self.server.hexists(k.claims, article_url))


def _pages(values: list[bytes]) -> dict[int, PageItem]:
    pages = (page_from_json(data) for data in values)
    return {page.page_number: page for page in pages}
