"""A shared crawl's queue of requests, whose requests are leased (``LeasedQueue``).

scrapy-redis deletes a request from Redis when a worker takes it: a worker
killed then loses it. Here a request taken from the frontier is leased to its
worker, not deleted, until the worker acknowledges it. A lease that expires
(its worker died) goes back to the frontier as it was, past the duplicate
filter (``crawler.distributed.scheduler`` reaps it): delivery is at least once.
"""

from __future__ import annotations

import weakref
from collections import deque

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from crawler.distributed.job import JobKeys, RedisLost, guarded

LEASE = "redis_lease"  # request.meta: the lease a request was taken under

# One round trip with the frontier, in this order: the requests this worker queued since the last one
# go in (each past the duplicate filter, unless its fingerprint is empty: dont_filter), then its
# acknowledgements, then it takes up to ARGV[2] requests, each under a new lease.
# ARGV: timeout, count, number of pushes, (fingerprint, score, request) per push, leases acknowledged.
# Returns {requests queued, lease, request, lease, request...}.
_EXCHANGE = """
local pushes, queued = tonumber(ARGV[3]), 0
local acks = 4 + 3 * pushes
for i = 4, acks - 1, 3 do
  if ARGV[i] == '' or redis.call('SADD', KEYS[6], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i + 2]); queued = queued + 1
  end
end
for i = acks, #ARGV do
  redis.call('ZREM', KEYS[3], ARGV[i]); redis.call('HDEL', KEYS[2], ARGV[i]); redis.call('HDEL', KEYS[4], ARGV[i])
end
local taken = {queued}
local count = tonumber(ARGV[2])
if count == 0 then return taken end
local first = redis.call('ZRANGE', KEYS[1], 0, count - 1, 'WITHSCORES')
if #first == 0 then return taken end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #first / 2 - 1)
local now = redis.call('TIME')
local expires = tonumber(now[1]) + tonumber(now[2]) / 1e6 + tonumber(ARGV[1])
for i = 1, #first, 2 do
  local id = redis.call('INCR', KEYS[5])
  redis.call('HSET', KEYS[2], id, first[i]); redis.call('HSET', KEYS[4], id, first[i + 1])
  redis.call('ZADD', KEYS[3], expires, id)
  taken[#taken + 1] = id; taken[#taken + 1] = first[i]
end
return taken
"""

_RENEW = """
local now = redis.call('TIME')
local until_ = tonumber(now[1]) + tonumber(now[2]) / 1e6 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_, ARGV[i]) end
"""


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop leases a request to this worker instead of deleting it."""

    lease_timeout = 60.0

    def bind(self, keys: JobKeys, lease_timeout: float, df_key: str, stats, lost: RedisLost, batch: int) -> None:
        """``batch``: requests taken in one round trip, as many as the worker fetches from a host at once
        (16 in a replay; 4 on a live site, so that workers share a short frontier instead of one hoarding it)."""
        self.keys, self.lease_timeout, self.df_key, self.stats, self.lost = keys, lease_timeout, df_key, stats, lost
        self.batch = batch
        self.taken: deque[Request] = deque()  # leased, not yet given to the engine
        self.pushes: list = []  # fingerprint, score, request: queued with the next round trip
        self._script = self.server.register_script(_EXCHANGE)
        self._renew = self.server.register_script(_RENEW)
        # Leases this worker holds -> their requests. A request Scrapy let go of without an ack
        # (an offsite redirect, a request_scheduled handler's IgnoreRequest) was dropped on purpose.
        self.held: dict[int, weakref.ref] = {}
        self.acks: list[int] = []  # acknowledged, not yet sent
        self.dropped = 0

    def pop(self, timeout: float = 0) -> Request | None:
        """The next request: from those taken with the last round trip, else a round trip for more."""
        if not self.taken:
            self._exchange(self.batch)
        return self.taken.popleft() if self.taken else None

    def push(self, request: Request, fingerprint: str = "") -> None:
        """Into the frontier with the next round trip, unless ``fingerprint`` is in the duplicate filter."""
        self.pushes += (fingerprint, -request.priority, self._encode_request(request))

    def ack(self, lease: int) -> None:
        """The request's work is done (or is in the frontier again under another request): its lease goes.

        With the next round trip, after the requests queued until then: one round trip less per request.
        A worker killed in between has that request done again, which is harmless.
        """
        if self.held.pop(lease, None) is not None:
            self.acks.append(lease)

    def flush(self) -> None:
        """Send the requests queued and the acknowledgements given since the last round trip."""
        if self.pushes or self.acks:
            self._exchange(0)

    @guarded()
    def _exchange(self, count: int) -> None:
        """Lost with Redis: the pushes and acks of this round trip. The leases that brought them are then not
        acknowledged either, so their requests are done again, and give them again, once Redis is back."""
        k = self.keys
        pushes, acks = self.pushes, self.acks
        self.pushes, self.acks = [], []
        reply = self._script(keys=[k.queue, k.leased, k.leases, k.scores, k.lease_ids, self.df_key],
                             args=[self.lease_timeout, count, len(pushes) // 3, *pushes, *acks])
        self.stats.inc_value("scheduler/enqueued/redis", reply[0])
        self.stats.inc_value("dupefilter/filtered", len(pushes) // 3 - reply[0])
        for lease, data in zip(reply[1::2], reply[2::2]):
            request = self._decode_request(data)
            request.meta[LEASE] = int(lease)
            self.held[int(lease)] = weakref.ref(request)
            self.taken.append(request)

    def _encode_request(self, request: Request) -> bytes:
        """As scrapy-redis encodes, naming the spider's callbacks without a search of all its methods each time."""
        methods = {name: getattr(request, name) for name in ("callback", "errback")}
        names = {name: getattr(method, "__name__", None) for name, method in methods.items() if method is not None}
        if any(getattr(self.spider, n, None) != methods[name] for name, n in names.items() if n):
            return super()._encode_request(request)  # not a method of the spider: scrapy-redis's way
        request.callback = request.errback = None
        try:
            obj = request.to_dict()
        finally:
            request.callback, request.errback = methods["callback"], methods["errback"]
        obj.update(names)
        return self.serializer.dumps(obj)

    @guarded()
    def renew(self) -> None:
        for lease, request in list(self.held.items()):
            if request() is None:
                self.dropped += 1
                self.ack(lease)
                self.spider.logger.info("Request under lease %s was dropped by Scrapy without a response "
                                        "(offsite, or filtered): its lease is given up", lease)
        self.flush()
        if self.held:
            self._renew(keys=[self.keys.leases], args=[self.lease_timeout, *self.held])

    @guarded()
    def release(self) -> None:
        """This worker stops: the requests it holds go back to the frontier now, for others to take."""
        self.flush()
        if self.held:
            self.server.zadd(self.keys.leases, dict.fromkeys(self.held, 0))
            self.held.clear()
