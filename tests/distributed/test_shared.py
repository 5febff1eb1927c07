"""One crawl shared by several workers through a real Redis server: the same articles as one process, each
written once, a killed worker's pages taken by the others, and the merge buffer's take atomic."""

import asyncio
import hashlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.distributed.job import RedisLost
from crawler.distributed.merge_store import RedisPageStore
from crawler.distributed.scheduler import _REAP, GuardedDupeFilter
from crawler.distributed.state_rows import RedisRows
from crawler.extensions.summary import RunSummary
from crawler.items import ArticleItem, PageContent, PageItem
from crawler.merge.stores import LatePage, is_whole
from crawler.pipelines.incremental import IncrementalPipeline
from crawler.state.rows import ArticleState, Listed, SqliteRows
from crawler.storage.layout import url_to_path
from tests.conftest import FAST, ROOT, crawl
from tools.redisserver import RedisServer
from tools.replica import HOST, Article, generate
from tools.server import ReplicaServer, free_port

ARTICLES, PAGES = 40, 3
SLOW = ("-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")  # a crawl long enough to share
PAUSING = json.dumps({**project_settings.ITEM_PIPELINES, "tests.recording.PauseOncePipeline": 650})


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    generate(root, ARTICLES, PAGES, per_listing=10, page_bytes=(300, 900))
    server = ReplicaServer(root, one_name=True)
    yield server.start() + "/"
    server.stop()


def worker(tmp_path, redis_url: str, n: int, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", "crawl", "hometown", *FAST, "-s", "LOG_LEVEL=INFO",
               "-s", f"REDIS_URL={redis_url}", "-s", "REDIS_LEASE_TIMEOUT=2", *args, "-O", str(tmp_path / f"w{n}.jsonl")]
    return subprocess.Popen(command, cwd=ROOT, stderr=(tmp_path / f"w{n}.log").open("w"))


def feed(path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []


def comparable(records: list[dict]) -> dict[str, dict]:
    return {r["url"]: {k: v for k, v in r.items() if k not in ("crawled_at", "status")} for r in records}


def job_keys(redis_server) -> list[bytes]:
    """The job's keys in Redis, but for its incremental state (which the next run reads)."""
    return [key for key in redis_server.client().keys("hometown:*") if not key.startswith(b"hometown:state:")]


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_three_workers_write_what_one_process_writes(tmp_path, site, redis_server):
    (tmp_path / "alone").mkdir()
    alone = crawl(tmp_path / "alone", "-a", f"start_url={site}")
    # The job starts on another name of the server, which redirects: the other workers learn where it landed.
    site = site.replace("127.0.0.1", "localhost")
    assert len(alone) == ARTICLES and all(r["complete"] and r["page_count"] == PAGES for r in alone)

    seeder = worker(tmp_path, redis_server.url, 0, "-a", f"start_url={site}", *SLOW)
    wait_for(lambda: redis_server.client().exists("hometown:site"))
    joiners = [worker(tmp_path, redis_server.url, n, *SLOW) for n in (1, 2)]  # no start URL: they join the job
    for process in (seeder, *joiners):
        assert process.wait(timeout=120) == 0, (tmp_path / "w0.log").read_text()[-2000:]

    records = [r for n in range(3) for r in feed(tmp_path / f"w{n}.jsonl")]
    assert len(records) == len({r["url"] for r in records}) == ARTICLES  # no article twice
    assert comparable(records) == comparable(alone)
    assert sum(1 for n in range(3) if feed(tmp_path / f"w{n}.jsonl")) >= 2  # the work was shared
    assert job_keys(redis_server) == []  # the job's keys are cleared at its end (its incremental state stays)
    logs = [(tmp_path / f"w{n}.log").read_text() for n in range(3)]
    assert sum("Job hometown done" in log for log in logs) == 1  # said by the worker that cleared it
    assert not [log for log in logs if "DeprecationWarning" in log]


def test_a_killed_workers_requests_are_taken_by_the_others(tmp_path, site, redis_server):
    (tmp_path / "alone").mkdir()
    alone = crawl(tmp_path / "alone", "-a", f"start_url={site}")
    workers = [worker(tmp_path, redis_server.url, n, "-a", f"start_url={site}", *SLOW) for n in range(3)]
    # Worker 0 dies outright once it has written some articles and holds leases of more.
    wait_for(lambda: len(feed(tmp_path / "w0.jsonl")) >= 3 and redis_server.client().zcard("hometown:leases") > 0)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    for process in workers[1:]:
        assert process.wait(timeout=120) == 0, (tmp_path / "w1.log").read_text()[-2000:]

    records = [r for n in range(3) for r in feed(tmp_path / f"w{n}.jsonl")]
    assert len(records) == len({r["url"] for r in records})
    assert comparable(records) == comparable(alone)
    assert job_keys(redis_server) == []


def test_workers_stop_when_redis_dies_and_the_job_goes_on_when_it_is_back(tmp_path, site):
    (tmp_path / "alone").mkdir()
    alone = crawl(tmp_path / "alone", "-a", f"start_url={site}")
    data = tmp_path / "redis"
    data.mkdir()
    redis = RedisServer(data, appendonly=True)
    try:
        workers = [worker(tmp_path, redis.url, n, "-a", f"start_url={site}", *SLOW) for n in range(2)]
        wait_for(lambda: len(feed(tmp_path / "w0.jsonl")) >= 3 and redis.client().zcard("hometown:leases") > 0)
        redis.process.kill()  # Redis dies outright, in the middle of the job
        redis.process.wait()
        for n, process in enumerate(workers):
            assert process.wait(timeout=60) == 1  # each stops by itself, and says why in one line
            log = (tmp_path / f"w{n}.log").read_text()
            assert "stopped answering" in log and "Closing spider (redis_lost)" in log and "Traceback" not in log
        # Redis is back with its append-only file: two workers join the job (no start URL) and finish it.
        redis = RedisServer(data, appendonly=True, port=redis.port)
        workers = [worker(tmp_path, redis.url, n) for n in (2, 3)]
        for n, process in zip((2, 3), workers):
            assert process.wait(timeout=120) == 0, (tmp_path / f"w{n}.log").read_text()[-2000:]
    finally:
        redis.stop()
    records = [r for n in range(4) for r in feed(tmp_path / f"w{n}.jsonl")]
    # Nothing lost; an article written just before Redis died may come out twice, never differently.
    assert {r["url"] for r in records} == {r["url"] for r in alone}
    assert all(comparable([r]) == {r["url"]: comparable(alone)[r["url"]]} for r in records)
    assert len(records) - len(alone) <= 4


def test_with_redis_gone_each_shared_part_gives_its_safe_answer_and_the_loss_is_said_once(caplog):
    port = free_port()  # nothing listens there: every call is refused
    gone = redis.Redis(host="127.0.0.1", port=port)
    crawler = get_crawler(settings_dict={"REDIS_URL": f"redis://127.0.0.1:{port}/0"})
    lost = RedisLost(crawler)
    dupefilter = GuardedDupeFilter(gone, key="job:dupefilter")
    dupefilter.lost = lost
    assert dupefilter.request_seen(Request("http://site.test/a.html"))  # seen: not fetched by a stopping worker
    assert RedisPageStore(gone, "job", "w", lost).add(page("http://site.test/a.html", 1, (2,))) is None
    assert RedisPageStore(gone, "job", "w", lost).article_urls() == []
    assert RedisRows(gone, "job", lost).get("articles", "http://site.test/a.html") is None
    assert crawler.stats.get_value("redis/lost") == 1
    assert sum("stopped answering" in r.getMessage() for r in caplog.records) == 1


def test_with_redis_gone_an_article_on_its_way_is_not_labelled_new_nor_written():
    port = free_port()
    crawler = get_crawler(settings_dict={"REDIS_URL": f"redis://127.0.0.1:{port}/0"})
    state = ArticleState(RedisRows(redis.Redis(host="127.0.0.1", port=port), "job", RedisLost(crawler)))
    pipeline = IncrementalPipeline(crawler, state)
    article = ArticleItem(url="http://site.test/a.html", title="標題", text="正文。", page_count=1,
                          page_urls=["http://site.test/a.html"], complete=True, missing_pages=[], crawled_at="")
    with pytest.raises(DropItem, match="the state does not answer"):
        pipeline.process_item(article)
    assert crawler.stats.get_value("articles/not_labelled") == 1 and crawler.stats.get_value("articles/new") is None
    assert "articles not written here: not labelled, Redis lost 1" in RunSummary(crawler, 1.0)._pages()


def test_a_shared_rerun_writes_only_what_is_new_or_changed(tmp_path, redis_server):
    root = tmp_path / "site"
    generate(root, ARTICLES, PAGES, per_listing=10, page_bytes=(300, 900), newest_first=True)
    server = ReplicaServer(root)
    url = server.start() + "/"

    def rerun(name: str, *args: str) -> list[tuple[str, str]]:
        """Two workers, both seeding (the job may be over before the second starts); (article path, status)."""
        workers = [worker(tmp_path, redis_server.url, f"{name}{n}", "-a", f"start_url={url}", *args, *SLOW)
                   for n in range(2)]
        for n, process in enumerate(workers):
            assert process.wait(timeout=120) == 0, (tmp_path / f"w{name}{n}.log").read_text()[-2000:]
        records = [r for n in range(2) for r in feed(tmp_path / f"w{name}{n}.jsonl")]
        assert len(records) == len({r["url"] for r in records})  # no article twice
        return sorted(("/" + r["url"].split("/", 3)[3], r["status"]) for r in records)

    try:
        first = rerun("first")
        assert first == sorted((Article(n, PAGES).url(1), "new") for n in range(ARTICLES))
        assert redis_server.client().hlen("hometown:state:articles") == ARTICLES
        assert rerun("same") == []  # nothing changed: nothing written

        # Three articles published at the top, and one on the first listing page edited.
        generate(root, ARTICLES + 3, PAGES, per_listing=10, page_bytes=(300, 900), newest_first=True)
        edited = root / url_to_path(f"http://{HOST}{Article(ARTICLES - 2, PAGES).url(1)}")
        edited.write_text(edited.read_text(encoding="utf-8").replace("<p>", "<p>更正：", 1), encoding="utf-8")
        assert rerun("new") == sorted((Article(n, PAGES).url(1), "new") for n in range(ARTICLES, ARTICLES + 3))
        # Within RECHECK_AFTER the edit shows only when first pages are re-checked.
        assert rerun("recheck", "-a", "recheck=first") == [(Article(ARTICLES - 2, PAGES).url(1), "changed")]
    finally:
        server.stop()


def test_the_incremental_state_reads_the_same_from_redis_as_from_sqlite(tmp_path, redis_server):
    first, second = "http://site.test/a1", "http://site.test/a2"
    for rows in (SqliteRows(tmp_path / "state.sqlite"), RedisRows(redis_server.client(), "job")):
        state = ArticleState(rows)
        assert state.known(first) is None and state.status(first, "標題", "正文。", True) == "new"
        state.first_page_fetched(first, '"v1"', "Mon, 30 Nov 2026 08:00:00 GMT", b"<html>1</html>",
                                 Listed("標題", 1003))
        state.record(first, "標題", "正文。", 2, True)
        state.record(second, "另一篇", "只有一頁。", 3, False)
        known = state.known(first)
        assert (known.page_count, known.complete, known.etag, known.last_modified, known.first_page_sha256) == (
            2, True, '"v1"', "Mon, 30 Nov 2026 08:00:00 GMT", hashlib.sha256(b"<html>1</html>").hexdigest())
        assert state.listed(first) == Listed("標題", 1003)
        assert state.status(first, "標題", "正文。", True) == "unchanged"
        assert state.status(first, "標題", "正文有改。", True) == "changed"
        assert state.status(first, "新標題", "正文。", True) == "changed"
        assert state.status(first, "標題", "正文", False) == "unchanged"  # a page failed: the complete text stands
        assert state.status(second, "另一篇", "只有一頁。", True) == "completed"
        assert state.due(datetime.now(timezone.utc) - timedelta(hours=1)) == [second]  # incomplete: always due
        assert state.due(datetime.now(timezone.utc) + timedelta(hours=1)) == [first, second]
        state.record(first, "標題", "正文", 2, False)  # incomplete now: the complete one is kept
        assert state.known(first).complete and state.status(first, "標題", "正文。", True) == "unchanged"
        state.listing_read("http://site.test/list", [(first, "標題")])
        assert state.listing_fetched_before("http://site.test/list", datetime.now(timezone.utc) + timedelta(hours=1))
        assert not state.listing_fetched_before("http://site.test/other", datetime.now(timezone.utc))
        state.close()


def page(article: str, n: int, others: tuple[int, ...], last: bool = False, failed: str | None = None) -> PageItem:
    return PageItem(article_url=article, page_number=n, url=f"{article}?p={n}", is_last=last, failed=failed,
                    others={m: f"{article}?p={m}" for m in others},
                    content=PageContent(title="標題", paragraphs=[] if failed else [f"第{n}頁。"]))


def deliver_at_once(stores: list[RedisPageStore], arrivals: list[PageItem]) -> list:
    """Each store gets its page in its own thread, all at the same moment; what each add() gave."""
    results: list = [None] * len(stores)
    start = threading.Barrier(len(stores))

    def deliver(n: int) -> None:
        start.wait()
        try:
            results[n] = stores[n].add(arrivals[n])
        except LatePage:
            results[n] = "late"

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_pages_of_one_article_at_two_workers_at_once_are_written_once(redis_server):
    stores = [RedisPageStore(redis_server.client(), "race", f"worker-{n}") for n in range(3)]
    for run in range(100):
        article = f"http://site.test/a{run}"
        # Two workers get the article's two pages at the same moment; a third gets page 2 a second time.
        arrivals = [page(article, 1, (2,)), page(article, 2, (1,), last=True), page(article, 2, (1,), last=True)]
        results = deliver_at_once(stores, arrivals)
        taken = [r for r in results if isinstance(r, dict)]
        assert len(taken) == 1, results
        assert sorted(taken[0]) == [1, 2] and taken[0][2].content.paragraphs == ["第2頁。"]
        stores[0].written(article)
        with pytest.raises(LatePage):
            stores[1].add(arrivals[1])


def test_a_take_handed_on_while_its_worker_stalled_is_not_that_worker_s_to_write(redis_server):
    client = redis_server.client()
    first, second = (RedisPageStore(client, "fence", f"worker-{n}") for n in (1, 2))
    article = "http://site.test/a"
    first.add(page(article, 1, (2,)))
    assert sorted(first.add(page(article, 2, (1,), last=True))) == [1, 2]  # the first worker takes it
    assert first.holds(article)
    # It stalls past its lease: no alive key. The reaper hands its take back to the buffer.
    reap = client.register_script(_REAP)
    reap(keys=["fence:requests", "fence:leased", "fence:leases", "fence:lease_scores", "fence:claims",
               "fence:waiting"], args=["fence:alive:", "worker-2"])
    assert client.smembers("fence:waiting") == {article.encode()}
    # The second worker gets page 2 again (its request was handed on too) and takes the article.
    client.set("fence:alive:worker-2", 1)
    assert sorted(second.add(page(article, 2, (1,), last=True))) == [1, 2]
    # The first one goes on: its take does not stand, and its word that the article is written changes nothing.
    assert not first.holds(article) and second.holds(article)
    first.written(article)
    assert not client.sismember("fence:written", article) and client.hget("fence:claims", article).startswith(
        b"worker-2|")
    second.written(article)
    assert client.sismember("fence:written", article) and not client.hexists("fence:claims", article)


def test_a_worker_stopped_past_its_lease_and_continued_loses_nothing_and_writes_nothing_twice(
        tmp_path, site, redis_server):
    (tmp_path / "alone").mkdir()
    alone = crawl(tmp_path / "alone", "-a", f"start_url={site}")
    # Worker 0 stalls on its first article, holding it; it is stopped right then.
    pause = ["-s", f"ITEM_PIPELINES={PAUSING}", "-s", f"PAUSE_MARK={tmp_path / 'paused'}",
             "-s", f"PAUSE_RELEASE={tmp_path / 'release'}"]
    workers = [worker(tmp_path, redis_server.url, n, "-a", f"start_url={site}", *SLOW, *(pause if n == 0 else []))
               for n in range(3)]
    client = redis_server.client()
    stalled = f"{socket.gethostname()}:{workers[0].pid}"  # the worker's name in the job
    wait_for(lambda: (tmp_path / "paused").exists())
    held = (tmp_path / "paused").read_text(encoding="utf-8")
    workers[0].send_signal(signal.SIGSTOP)
    try:
        # Stopped past its lease (2 s): its alive key expires, the others take over its requests and hand on the
        # article it held.
        wait_for(lambda: not client.exists(f"hometown:alive:{stalled}"))
        wait_for(lambda: not (client.hget("hometown:claims", held) or b"").startswith(f"{stalled}|".encode()))
        others = sum(len(feed(tmp_path / f"w{n}.jsonl")) for n in (1, 2))
        wait_for(lambda: sum(len(feed(tmp_path / f"w{n}.jsonl")) for n in (1, 2)) >= others + 3)
    finally:
        (tmp_path / "release").touch()
        workers[0].send_signal(signal.SIGCONT)
    for n, process in enumerate(workers):
        assert process.wait(timeout=120) == 0, (tmp_path / f"w{n}.log").read_text()[-2000:]

    records = [r for n in range(3) for r in feed(tmp_path / f"w{n}.jsonl")]
    assert len(records) == len({r["url"] for r in records})  # none twice
    assert comparable(records) == comparable(alone)  # none lost, each whole
    # The article it held was handed on while it was stopped: another worker wrote it, and it dropped its own,
    # as taken over (or, when the other one's record in the shared state came first, as known and unchanged).
    assert held not in {r["url"] for r in feed(tmp_path / "w0.jsonl")}
    log = (tmp_path / "w0.log").read_text()
    stats = dict(re.findall(r"'(articles/[a-z_]+)': (\d+)", log))
    assert int(stats.get("articles/taken_over", 0)) + int(stats.get("articles/unchanged", 0)) >= 1, stats
    if "articles/taken_over" in stats:  # said in the run summary too
        assert f"articles not written here: handed to another worker while this one stalled " \
               f"{stats['articles/taken_over']}" in log
    assert job_keys(redis_server) == []


def script_calls(client: redis.Redis) -> int:
    """Script calls Redis has run (a first call is refused, NOSCRIPT, and sent again with the script)."""
    stats = client.info("commandstats").get("cmdstat_evalsha", {})
    return stats.get("calls", 0) - stats.get("failed_calls", 0)


def add_together(store: RedisPageStore, arrivals: list[PageItem]) -> list:
    """The pages given to the store in one turn of an event loop, as a worker's merge pipeline gives them;
    what each gave (its article's pages, None while waiting, or the exception)."""

    async def deliver() -> list:
        together = asyncio.gather(*(store.add_soon(item) for item in arrivals), return_exceptions=True)
        return await asyncio.wait_for(together, timeout=30)  # a page left waiting fails the test, not hangs it

    return asyncio.run(deliver())


def test_pages_given_together_go_to_redis_in_one_call_with_the_answers_of_one_at_a_time(redis_server):
    client = redis_server.client()
    store = RedisPageStore(client, "batch", "worker")
    a, b = "http://site.test/a", "http://site.test/b"
    # a whole in this batch; b waits for page 3; page 2 of a comes twice, the second time after a is taken.
    arrivals = [page(a, 1, (2,)), page(b, 1, (2, 3)), page(a, 2, (1,), last=True), page(b, 2, (1, 3)),
                page(a, 2, (1,), last=True)]
    calls = script_calls(client)
    results = add_together(store, arrivals)
    assert script_calls(client) - calls == 1
    assert results[0] is None and results[1] is None and results[3] is None
    assert sorted(results[2]) == [1, 2] and results[2][1].content.paragraphs == ["第1頁。"]
    assert isinstance(results[4], LatePage)
    (taken,) = add_together(store, [page(b, 3, (1, 2), last=True)])
    assert sorted(taken) == [1, 2, 3] and taken[3].content.paragraphs == ["第3頁。"]


def test_a_fault_in_the_shared_buffer_fails_every_page_of_the_call_and_leaves_none_waiting(redis_server):
    client = redis_server.client()
    client.set("broken:claims", "not a hash")  # every add reads it: Redis answers WRONGTYPE
    arrivals = [page("http://site.test/a", n, (1, 2)) for n in (1, 2)]
    results = add_together(RedisPageStore(client, "broken", "worker"), arrivals)
    assert all(isinstance(r, redis.ResponseError) and "WRONGTYPE" in str(r) for r in results), results


numbers = st.integers(min_value=1, max_value=6)
pages_strategy = st.lists(
    st.tuples(numbers, st.sets(numbers, max_size=3), st.booleans(), st.booleans()), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrivals=pages_strategy)
def test_the_shared_buffer_takes_an_article_when_the_merge_rule_calls_it_whole(redis_server, arrivals):
    """The Lua check in Redis and crawler.merge.stores.is_whole agree, page after page, in any order."""
    store = RedisPageStore(redis_server.client(), "rule", "worker")
    article = f"http://site.test/{time.monotonic_ns()}"
    so_far: dict[int, PageItem] = {}
    for n, others, last, failed in arrivals:
        item = page(article, n, tuple(sorted(others - {n})), last=last, failed="HTTP 404" if failed else None)
        if so_far and is_whole(so_far):
            with pytest.raises(LatePage):
                store.add(item)
            return
        so_far.setdefault(n, item)
        taken = store.add(item)
        assert (taken is not None) == is_whole(so_far)
        if taken is not None:
            assert sorted(taken) == sorted(so_far)


def test_a_worker_with_no_job_to_join_or_no_redis_stops_with_one_line(tmp_path, redis_server):
    for url, message in ((redis_server.url, "no crawl job 'hometown' to join; give -a start_url= to seed it"),
                         (f"redis://127.0.0.1:{free_port()}/0", "cannot reach Redis")):
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hometown", "-s", f"REDIS_URL={url}",
                                 "-O", str(tmp_path / "out.jsonl")], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 2, result.stderr[-2000:]
        assert message in result.stderr and "Traceback" not in result.stderr
