"""Benchmark of the crawl: ``python -m tools.bench --articles 1000 --pages 10``.

On one generated replica of the site, in one run, it measures pages per
second, CPU seconds per 1,000 pages and peak RSS of: the replica server alone,
a bare Scrapy spider following the same links (the baseline), the full crawl
over HTTP on 127.0.0.1, the full crawl by replay from disk, and that replay
with CHINESE_SCRIPT=simplified; then the throughput of the cleaning functions. It ends with the ratios. A script, not a
test: the machine is shared and noisy, so read the ratios, measured in the
same run, rather than the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from opencc import OpenCC

from crawler.text.cleaning import clean_text, strip_pinyin
from crawler.text.script import to_simplified

from ..replica import FIXTURES, HOST, generate, text_digest
from .common import CRAWL_SETTINGS, Run, measure_process, served


def _site_paths(site: Path) -> list[str]:
    paths = []
    for file in sorted((site / HOST).rglob("*.html")):
        relative = file.relative_to(site / HOST).as_posix()
        paths.append("/" + (relative.removesuffix("index.html")))
    return paths


async def _fetch_all(port: int, paths: list[str], connections: int = 16) -> int:
    """GET every path over keep-alive connections; return the bytes received."""
    queue = list(reversed(paths))
    received = 0

    async def worker() -> None:
        nonlocal received
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            writer.write(f"GET {queue.pop()} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            received += len(await reader.readexactly(length))
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return received


def measure_server(port: int, paths: list[str]) -> Run:
    start = time.perf_counter()
    asyncio.run(_fetch_all(port, paths))
    return Run("replica server alone", len(paths), time.perf_counter() - start)


def check_output(path: Path, site: Path) -> str:
    """How many articles the feed holds, complete and with exactly the source's text."""
    expected = {}
    with (site / "expected.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            expected[record["path"]] = record
    written = complete = equal = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            written += 1
            complete += article["complete"]
            source = expected.get(urlsplit(article["url"]).path)
            equal += bool(source) and text_digest(article["text"]) == source["sha256"]
    return f"{written} articles of {len(expected)}, {complete} complete, {equal} with the source's text"


def throughput(function, text: str, repeat: int = 3) -> float:
    """Best of ``repeat`` runs, in MB of UTF-8 input per second."""
    size = len(text.encode("utf-8")) / 1e6
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return size / best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the generated site (default 1000)")
    parser.add_argument("--pages", type=int, default=10, help="pages per article (default 10)")
    parser.add_argument("--mb", type=float, default=10.0, help="size of the cleaning input in MB (default 10)")
    parser.add_argument("--keep", type=Path, help="write the site, feeds and logs here and keep them")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="hometown-bench-"))
    site = work / "site"
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"{platform.python_implementation()} {platform.python_version()}")
    start = time.perf_counter()
    count = generate(site, args.articles, args.pages)
    print(f"site: {args.articles} articles x {args.pages} pages, {count} pages written in "
          f"{time.perf_counter() - start:.1f} s")

    with served(site) as base:
        port = int(base.rsplit(":", 1)[1].rstrip("/"))
        settings = [arg for name, value in CRAWL_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
        scrapy = [sys.executable, "-m", "scrapy"]
        runs = [measure_server(port, _site_paths(site))]
        runs.append(measure_process(
            "baseline (bare Scrapy)",
            [*scrapy, "runspider", str(Path(__file__).with_name("baseline.py")), "-a", f"start_url={base}", *settings],
            work / "baseline.log",
        ))
        state = work / "state.sqlite"  # a first run: every article is new
        state.unlink(missing_ok=True)
        runs.append(measure_process(
            "full crawl over HTTP",
            [*scrapy, "crawl", "hometown", "-a", f"start_url={base}", "-O", str(work / "http.jsonl"), *settings,
             "-s", f"STATE_FILE={state}"],
            work / "http.log",
        ))
        runs.append(measure_process(
            "full crawl by replay",
            [*scrapy, "crawl", "hometown", "-a", f"replay={site}", "-O", str(work / "replay.jsonl"), *settings],
            work / "replay.log",
        ))
        runs.append(measure_process(
            "replay, simplified script",
            [*scrapy, "crawl", "hometown", "-a", f"replay={site}", "-O", str(work / "simplified.jsonl"), *settings,
             "-s", "CHINESE_SCRIPT=simplified"],
            work / "simplified.log",
        ))

    print(f"\n{'run':<28}{'pages':>7}{'wall s':>8}{'pages/s':>9}{'CPU s/1k':>9}{'RSS MB':>9}")
    for run in runs:
        print(run.row())
    print(f"\noutput over HTTP: {check_output(work / 'http.jsonl', site)}")
    print(f"output by replay: {check_output(work / 'replay.jsonl', site)}")

    page = (FIXTURES / "seed-page.txt").read_text(encoding="utf-8")
    text = page * max(1, round(args.mb * 1e6 / len(page.encode("utf-8"))))
    small = page * max(1, round(args.mb * 1e5 / len(page.encode("utf-8"))))  # OpenCC is slow: a tenth will do
    print(f"\n{'cleaning (seed page repeated)':<36}{'MB/s':>8}")
    for name, function, sample in (
        ("strip_pinyin", strip_pinyin, text),
        ("clean_text", clean_text, text),
        ("to_simplified", to_simplified, text),
        ("OpenCC('t2s').convert (reference)", OpenCC("t2s").convert, small),
    ):
        print(f"{name:<36}{throughput(function, sample):>8.1f}")

    baseline, full, replay, simplified = runs[1:]
    if not args.keep:
        shutil.rmtree(work)
    print(f"\nfull/baseline peak RSS: {full.rss_mb / baseline.rss_mb:.2f}")
    print(f"full/baseline pages/s: {full.pages_per_second / baseline.pages_per_second:.2f}")
    print(f"replay/full pages/s: {replay.pages_per_second / full.pages_per_second:.2f}")
    print(f"simplified replay / default replay time: {simplified.seconds / replay.seconds:.2f}")


if __name__ == "__main__":
    main()
