"""Bad input and hard stops: replay never goes online, bad arguments are one line, broken WARCs lose only what is
broken, the exit status tells the truth, and a crawl killed at any moment loses no article."""

import json
import random
import signal
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import FAST, FIXTURE_SITE, ROOT, SITE_URL, RunningCrawl, crawl_with_stats
from tests.servers import CountingServer
from tools.replica import HOST, generate
from tools.server import ReplicaServer


def error(run: subprocess.CompletedProcess) -> str:
    """The one error line of a run stopped for bad input, without the program's name."""
    [line] = [line for line in run.stderr.splitlines() if ": error: " in line]
    return line.split(": error: ", 1)[1]


def scrapy_crawl(tmp_path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", "crawl", "hometown", *FAST, "-s", "STATE_FILE=", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_a_replay_of_a_missing_path_sends_nothing_and_says_why_in_one_line(tmp_path):
    server = CountingServer(FIXTURE_SITE)
    base = server.start()
    try:
        run = scrapy_crawl(tmp_path, "-a", f"replay={tmp_path / 'typo'}", "-a", f"start_url={base}/")
    finally:
        server.stop()
    assert run.returncode == 2 and server.requests == 0
    assert error(run) == (f"-a replay={tmp_path / 'typo'}: no such folder or file "
                          "(a folder of saved pages or a WARC file is expected)")
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args, message", [
    (("-a", "recheck=sometimes"), "-a recheck=sometimes: must be due, first, all"),
    (("-a", "start_url=www.xiangtianlong.com"), "-a start_url=www.xiangtianlong.com: not an absolute http(s) URL"),
    (("-s", "CHINESE_SCRIPT=cantonese"), "-s CHINESE_SCRIPT=cantonese: must be traditional or simplified"),
    (("-s", "MERGE_STORE=crawler.merge.stores.Nothing"), "-s MERGE_STORE=crawler.merge.stores.Nothing: cannot be imported"),
    (("-s", "MERGE_STORE=crawler.items.PageItem"), "-s MERGE_STORE=crawler.items.PageItem: not a PageStore class"),
    (("-a", "replay="), "-a replay= is empty"),
])
def test_bad_arguments_and_settings_are_one_line(tmp_path, args, message):
    run = scrapy_crawl(tmp_path, *args) if args[1] == "replay=" else scrapy_crawl(
        tmp_path, "-a", f"replay={FIXTURE_SITE}", *args)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert error(run).startswith(message)
    assert len(run.stderr.splitlines()) == 1  # no banner, no usage block: the line and nothing more


def test_a_start_url_outside_the_saved_site_lists_its_hosts(tmp_path):
    run = scrapy_crawl(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-a", "start_url=http://elsewhere.test/")
    assert run.returncode == 2
    assert error(run) == (f"-a start_url=http://elsewhere.test/: its host is not in the saved site {FIXTURE_SITE}, "
                          "which holds www.xiangtianlong.com")


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    """A generated site crawled over HTTP from a host of its own, saved as a folder and as a WARC."""
    root = tmp_path_factory.mktemp("saved")
    generate(root / "site", 6, 3)
    server = ReplicaServer(root / "site", HOST)
    base = server.start()
    try:
        run = crawl_with_stats(root, "-a", f"start_url={base}/", "-s", "STATE_FILE=", "-s", f"MIRROR_DIR={root / 'mirror'}",
                               "-s", f"WARC_FILE={root / 'crawl.warc.gz'}", out_name="crawl.jsonl")
    finally:
        server.stop()
    return root, base, run.records


def essence(records):
    return sorted(json.dumps({k: v for k, v in r.items() if k != "crawled_at"}, sort_keys=True) for r in records)


def test_a_replay_without_start_url_starts_where_the_saved_crawl_started(mirrored, tmp_path):
    root, _, records = mirrored
    assert len(records) == 6
    for source in (root / "mirror", root / "crawl.warc.gz"):
        run = crawl_with_stats(tmp_path, "-a", f"replay={source}", "-s", "STATE_FILE=", out_name=f"{source.name}.jsonl")
        assert essence(run.records) == essence(records), source


def test_a_warc_cut_in_its_last_record_replays_the_rest_and_records_that_page_missing(mirrored, tmp_path):
    root, base, records = mirrored
    data = (root / "crawl.warc.gz").read_bytes()
    with (root / "crawl.warc.gz").open("rb") as f:
        found = [(r.rec_headers.get_header("WARC-Target-URI"), iterator.get_record_offset())
                 for iterator in [ArchiveIterator(f)] for r in iterator if r.rec_type == "response"]
    (last_url, last_offset) = found[-1]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: last_offset + (len(data) - last_offset) // 2])  # in the middle of its gzip member
    run = crawl_with_stats(tmp_path, "-a", f"replay={cut}", "-a", f"start_url={base}/", "-s", "STATE_FILE=")
    warnings = [line for line in run.log.splitlines() if "Replay source" in line]
    assert len(warnings) == 1 and (last_url in warnings[0] or "ends mid-record" in warnings[0])
    by_url = {r["url"]: r for r in records}
    for record in run.records:
        if last_url in record["page_urls"]:
            number = record["page_urls"].index(last_url) + 1
            assert record["missing_pages"] == [number] and not record["complete"]
        else:
            assert essence([record]) == essence([by_url[record["url"]]])
    assert len(run.records) == len(records)


def test_random_bytes_given_as_a_warc_are_one_error_line(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(random.Random(1).randbytes(5000))
    run = scrapy_crawl(tmp_path, "-a", f"replay={junk}")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert error(run) == f"-a replay={junk}: not a WARC file: it does not start with a WARC record"


def test_a_record_that_cannot_be_decoded_is_a_missing_page(mirrored, tmp_path):
    from scrapy.http import HtmlResponse, Request

    from crawler.storage.warc import WarcStorage

    # A page saved with a gzip Content-Encoding whose bytes are not gzip.
    warc = tmp_path / "broken.warc.gz"
    storage = WarcStorage(warc)
    good = (FIXTURE_SITE / "www.xiangtianlong.com" / "html" / "2023" / "0816" / "4533.html").read_bytes()
    url = f"{SITE_URL}/html/2023/0816/4533.html"
    storage.store(Request(url), HtmlResponse(url, body=good, headers={"Content-Type": "text/html; charset=utf-8"}))
    second = f"{SITE_URL}/html/2023/0816/4533_2.html"
    storage.store(Request(second), HtmlResponse(second, body=b"\x00not gzip at all",
                                                headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    storage.close()
    run = crawl_with_stats(tmp_path, "-a", f"replay={warc}", "-a", f"start_url={url}", "-s", "STATE_FILE=")
    [record] = run.records
    assert record["missing_pages"] == [2] and record["text"].startswith("8月16日,南海休漁期結束")
    [failed] = [line for line in run.log.splitlines() if f"Page failed: {second}" in line]
    assert "decompress" in failed.lower() or "gzip" in failed.lower(), failed


class BrokenServer(ReplicaServer):
    """A server that answers 500 to everything, for good."""

    async def handle(self, writer, method, target, headers) -> bool:
        return await self.send(writer, 500, {"Content-Type": "text/html"}, b"broken")


def test_a_start_page_that_answers_500_for_good_exits_non_zero(tmp_path):
    server = BrokenServer(FIXTURE_SITE)
    base = server.start()
    try:
        run = scrapy_crawl(tmp_path, "-a", f"start_url={base}/", "-O", str(tmp_path / "out.jsonl"))
    finally:
        server.stop()
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1].endswith("ERROR: Exit status 1: the start page could not be fetched")


def test_a_feed_that_cannot_be_written_stops_the_run_before_it_starts(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = scrapy_crawl(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-O", str(blocker / "sub" / "out.jsonl"))
    assert run.returncode == 2
    assert error(run).startswith(f"feed {blocker / 'sub' / 'out.jsonl'}: cannot be written")


def test_a_crawl_of_the_fixture_site_exits_zero(tmp_path):
    run = scrapy_crawl(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-O", str(tmp_path / "out.jsonl"))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Exit status" not in run.stderr


KILLS = 20


def test_a_crawl_killed_at_random_moments_and_resumed_loses_no_article(tmp_path):
    site = tmp_path / "site"
    # Small articles: several records fit in a write buffer, where a kill would lose them.
    generate(site, 30, 3, per_listing=30, page_bytes=(200, 600))
    server = ReplicaServer(site, delay=0.02)
    base = server.start()
    try:
        whole = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", "-s", "STATE_FILE=", out_name="whole.jsonl")
        expected = {r["url"]: (r["text"], r["complete"]) for r in whole.records}
        assert len(expected) == 30
        job, parts = tmp_path / "job", []
        moments = random.Random(20261127)
        for cycle in range(KILLS + 1):
            out = tmp_path / f"part{cycle}.jsonl"
            parts.append(out)
            crawl = RunningCrawl("-a", f"start_url={base}/", "-s", f"JOBDIR={job}", "-s", "STATE_FILE=",
                                 "-s", "CONCURRENT_REQUESTS=2", "-O", str(out))
            if cycle < KILLS:
                crawl.wait_until(out.exists, "the feed opened")
                delay = moments.uniform(0, 1.5)
                if crawl.process.poll() is None:
                    try:
                        crawl.process.wait(timeout=delay)
                    except subprocess.TimeoutExpired:
                        crawl.process.send_signal(signal.SIGKILL)
            crawl.finish()
    finally:
        server.stop()
    written: dict[str, tuple[str, bool]] = {}
    for out in parts:
        if out.exists():
            for line in out.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                written.setdefault(record["url"], (record["text"], record["complete"]))
    assert written == expected  # every article, with exactly its text; a rare duplicate is allowed


def test_a_queue_file_a_killed_crawl_left_empty_is_started_afresh(tmp_path):
    """SIGKILL can leave a JOBDIR queue file shorter than its header; Scrapy's queue cannot open it."""
    import struct
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.squeues import PickleLifoDiskQueue

    from crawler.queues import KillSafePickleLifoDiskQueue

    crawler = SimpleNamespace(spider=None)
    left = tmp_path / "requests.queue" / "p-2"
    left.parent.mkdir()
    left.write_bytes(b"")
    with pytest.raises(struct.error):
        PickleLifoDiskQueue(crawler, str(left))
    queue = KillSafePickleLifoDiskQueue(crawler, str(left))
    queue.push(Request("http://site.test/a_2.html"))
    assert len(queue) == 1 and queue.pop().url == "http://site.test/a_2.html"
    queue.close()


@pytest.mark.parametrize("tool", [["tools.server", str(FIXTURE_SITE)], ["tools.hostile", "serve", "HOSTILE"]])
def test_a_tool_given_a_port_already_taken_says_so_in_one_line(tool, tmp_path):
    import socket

    if "HOSTILE" in tool:
        subprocess.run([sys.executable, "-m", "tools.hostile", "generate", str(tmp_path)], cwd=ROOT, check=True)
        tool = [*tool[:-1], str(tmp_path)]

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", *tool, "--port", str(port)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, check=False)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.splitlines() == [run.stderr.strip()] and f"cannot serve on 127.0.0.1:{port}" in run.stderr
