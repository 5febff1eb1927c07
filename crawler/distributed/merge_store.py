"""The merge buffer of a shared crawl, in Redis (``RedisPageStore``).

"Keep this page; if its article is now whole, take it for this worker" is one
Lua script, so an article whose pages reach several workers at once is written
once, by one of them. It is marked written only after its feed has it; a taker
that died before that gives it back (``crawler.distributed.scheduler`` reaps it). The pages
a worker's pipeline gives in one turn of the event loop (as many as it has
requests in flight) go in one call of that script: one round trip for them all.

A take is a claim, ``worker|token``, the token new at each take (a fencing
token). A worker that stalls past its lease (a SIGSTOP, a long pause) may find,
once it goes on, that its claim was handed back and the article taken by
another: ``holds`` says so before the article goes to the feed, and
``written`` of a claim that is no longer the worker's changes nothing.
"""

from __future__ import annotations

import json

from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.reactor import CallLaterOnce
from scrapy_redis import connection
from twisted.internet.defer import Deferred, maybeDeferred
from twisted.python.failure import Failure

from crawler.distributed.job import JobKeys, RedisLost, guarded, job_name, worker_name
from crawler.items import PageItem
from crawler.merge.stores import LatePage, PageStore, page_from_json, page_to_json


def _outline(page: PageItem) -> str:
    """What the Lua wholeness check reads of a page: its other page numbers, the total, last, failed."""
    return json.dumps({"o": sorted(page.others), "t": page.total_pages or 0, "l": bool(page.is_last),
                       "f": bool(page.failed)})


# For each page given (a batch of one or more): keep it (the first of each number wins); if its article is now
# whole, take it for this worker. The same rule as crawler.merge.stores.is_whole.
# KEYS: claims, written, waiting, claim tokens, then (pages, outlines) per page. ARGV: worker, then (article,
# number, page, outline) per page. Returns per page -1: late, 0: waiting, else the claim and the article's pages.
_ADD = """
local function add(article, pages, outlines, number, page, outline)
  if redis.call('SISMEMBER', KEYS[2], article) == 1 or redis.call('HEXISTS', KEYS[1], article) == 1 then
    return -1
  end
  redis.call('HSETNX', pages, number, page); redis.call('HSETNX', outlines, number, outline)
  redis.call('SADD', KEYS[3], article)
  local have, numbers, closes, top = {}, {}, false, 0
  local all = redis.call('HGETALL', outlines)
  for i = 1, #all, 2 do
    local n, o = tonumber(all[i]), cjson.decode(all[i + 1])
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
  local claim = ARGV[1] .. '|' .. redis.call('INCR', KEYS[4])
  redis.call('HSET', KEYS[1], article, claim); redis.call('SREM', KEYS[3], article)
  local taken = redis.call('HVALS', pages)
  table.insert(taken, 1, claim)
  return taken
end
local replies = {}
for i = 1, (#KEYS - 4) / 2 do
  local a = 4 * i - 2
  replies[i] = add(ARGV[a], KEYS[3 + 2 * i], KEYS[4 + 2 * i], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3])
end
return replies
"""

# Take an article as it is (the crawl ran out of its pages). KEYS: claims, written, waiting, pages, claim
# tokens. ARGV: article, worker. Returns the claim and the pages, or nothing.
_TAKE = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return {}
end
local claim = ARGV[2] .. '|' .. redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], ARGV[1], claim); redis.call('SREM', KEYS[3], ARGV[1])
local taken = redis.call('HVALS', KEYS[4])
table.insert(taken, 1, claim)
return taken
"""

# The article is in this worker's feed: written for good, if its claim is still this worker's. KEYS: claims,
# written, pages, outlines. ARGV: article, claim. Returns 1, or 0 if the claim was handed on.
_WRITTEN = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('SADD', KEYS[2], ARGV[1]); redis.call('HDEL', KEYS[1], ARGV[1]); redis.call('DEL', KEYS[3], KEYS[4])
return 1
"""


class RedisPageStore(PageStore):
    """The merge buffer of a shared crawl, in Redis: every worker's pages, each article taken by one worker."""

    persistent = True

    def __init__(self, server, job: str, worker: str, lost: RedisLost | None = None):
        self.server, self.keys, self.worker, self.lost = server, JobKeys(job), worker, lost
        self._add = server.register_script(_ADD)
        self._take = server.register_script(_TAKE)
        self._written = server.register_script(_WRITTEN)
        self._claims: dict[str, bytes] = {}  # article -> this worker's claim on it, while it is on its way
        self._batch: list[tuple[PageItem, Deferred]] = []  # pages given to add_soon, to send
        self._send_soon = CallLaterOnce(self._send_batch)

    @classmethod
    def from_crawler(cls, crawler) -> RedisPageStore:
        return cls(connection.from_settings(crawler.settings), job_name(crawler.settings), worker_name(),
                   RedisLost(crawler))

    def add(self, page: PageItem) -> dict[int, PageItem] | None:
        (result,) = self._add_pages([page])
        return _late_or(result)

    async def add_soon(self, page: PageItem) -> dict[int, PageItem] | None:
        """The pages given in one turn of the event loop go to Redis in one round trip (one script call)."""
        added: Deferred = Deferred()
        self._batch.append((page, added))
        self._send_soon.schedule()
        return _late_or(await maybe_deferred_to_future(added))

    def _send_batch(self) -> None:
        batch, self._batch = self._batch, []
        sent = maybeDeferred(self._add_pages, [page for page, _ in batch])
        sent.addCallbacks(_answer, _answer_failed, callbackArgs=(batch,), errbackArgs=(batch,))

    def _add_pages(self, pages: list[PageItem]) -> list[dict[int, PageItem] | LatePage | None]:
        """Each page kept, and its article taken if now whole: its pages, LatePage, or None while it waits."""
        replies = self._run_add(pages)
        if replies is None:  # lost with Redis: the pages' requests are not acknowledged, so they are done again
            return [None] * len(pages)
        return [LatePage(page) if reply == -1 else self._claimed(page.article_url, reply) if reply else None
                for page, reply in zip(pages, replies)]

    def _claimed(self, article_url: str, reply: list[bytes]) -> dict[int, PageItem]:
        """A take's reply: this worker's claim on the article, then its pages."""
        if not reply:
            return {}
        self._claims[article_url] = reply[0]
        return _pages(reply[1:])

    @guarded()
    def _run_add(self, pages: list[PageItem]) -> list | None:
        k = self.keys
        keys, args = [k.claims, k.written, k.waiting, k.claim_tokens], [self.worker]
        for page in pages:
            url = page.article_url
            keys += (k.pages(url), k.outlines(url))
            args += (url, page.page_number, page_to_json(page), _outline(page))
        return self._add(keys=keys, args=args)

    def keep(self, page: PageItem) -> dict[int, PageItem]:
        raise NotImplementedError("a shared store keeps and takes in one step: add()")

    @guarded(default={})
    def take(self, article_url: str) -> dict[int, PageItem]:
        k = self.keys
        return self._claimed(article_url, self._take(
            keys=[k.claims, k.written, k.waiting, k.pages(article_url), k.claim_tokens],
            args=[article_url, self.worker]))

    @guarded(default=False)  # lost with Redis: nothing more goes to the feed
    def holds(self, article_url: str) -> bool:
        """Whether this worker's take of the article still stands: not handed on while it stalled."""
        claim = self._claims.get(article_url)
        return claim is not None and self.server.hget(self.keys.claims, article_url) == claim

    @guarded()  # lost with Redis: the article may come out again, in another feed
    def written(self, article_url: str) -> None:
        k = self.keys
        claim = self._claims.pop(article_url, None)
        if claim is not None:
            self._written(keys=[k.claims, k.written, k.pages(article_url), k.outlines(article_url)],
                          args=[article_url, claim])

    @guarded(default=[])
    def article_urls(self) -> list[str]:
        return sorted(url.decode() for url in self.server.smembers(self.keys.waiting))

    @guarded(default=False)
    def was_written(self, article_url: str) -> bool:
        k = self.keys
        return bool(self.server.sismember(k.written, article_url) or self.server.hexists(k.claims, article_url))


def _answer(results: list, batch: list[tuple[PageItem, Deferred]]) -> None:
    for (_, added), result in zip(batch, results):
        added.callback(result)


def _answer_failed(failure: Failure, batch: list[tuple[PageItem, Deferred]]) -> None:
    """A fault of ours (a lost Redis is no failure: see guarded): every page's item fails with it, none waits."""
    for _, added in batch:
        added.errback(failure)


def _late_or(result: dict[int, PageItem] | LatePage | None) -> dict[int, PageItem] | None:
    if isinstance(result, LatePage):
        raise result
    return result


def _pages(values: list[bytes]) -> dict[int, PageItem]:
    pages = (page_from_json(data) for data in values)
    return {page.page_number: page for page in pages}
