"""Replay by several processes sharing one job in Redis: ``python -m tools.bench.shared [--articles 1000 --pages 10]``.

On one generated site saved in the replay layout, in one run: the replay by
one plain process, by one Redis worker, by two Redis workers together, and
by two plain processes at once that each replay the whole site, sharing
nothing (the most two processes can get from this machine's cores). Pages
per second over the wall time of the whole job, processes started and ended
included, and its ratio to the plain process. The four run one after the
other, ``--repeat`` times, for the median of each ratio (a shared machine's
speed drifts by 20 % within minutes). Then the plain replay's peak RSS on a
site a fifth of that size and on one ten times larger still, at each number
of requests in flight compared, to show that memory stays flat as the site
grows. A script, not a test: read the ratios, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..redisserver import RedisServer
from ..replica import generate
from .common import ROOT, Run, measure_process

# As a user replays: the spider's replay defaults, only quieter.
QUIET = ["-s", "LOG_LEVEL=INFO", "-s", "TELNETCONSOLE_ENABLED=False"]


def replay(site: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "hometown", "-a", f"replay={site}", "-O", str(out), *QUIET,
            *args]


def together(name: str, count: int, site: Path, work: Path, redis_url: str | None) -> Run:
    """``count`` processes replaying ``site`` (sharing one job when ``redis_url``); pages and wall time of all."""
    shared = ["-s", f"REDIS_URL={redis_url}", "-s", f"CRAWL_JOB={name}"] if redis_url else []
    logs = [work / f"{name}-{n}.log" for n in range(count)]
    start = time.perf_counter()
    processes = [
        subprocess.Popen(replay(site, work / f"{name}-{n}.jsonl", *shared), cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=logs[n].open("w"))
        for n in range(count)
    ]
    for process, log in zip(processes, logs):
        if process.wait():
            sys.exit(f"{name} failed (exit {process.returncode}); see {log}")
    seconds = time.perf_counter() - start
    pages = sum(int(_stat(log, "response_received_count")) for log in logs)
    articles = sum(1 for n in range(count) for _ in (work / f"{name}-{n}.jsonl").open())
    print(f"  {name}: {articles} articles written")
    return Run(name, pages, seconds)


def _stat(log: Path, name: str) -> str:
    found = re.search(rf"'{name}': (\d+)", log.read_text(encoding="utf-8", errors="replace"))
    return found.group(1) if found else "0"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.shared", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the generated site (default 1000)")
    parser.add_argument("--pages", type=int, default=10, help="pages per article (default 10)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the four, one after the other; the median ratios are quoted (default 3)")
    parser.add_argument("--keep", type=Path, help="write the sites, feeds and logs here and keep them")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="hometown-bench-shared-"))
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"{platform.python_implementation()} {platform.python_version()}")
    site = work / "site"
    count = generate(site, args.articles, args.pages)
    print(f"site: {args.articles} articles x {args.pages} pages, {count} pages")

    redis = RedisServer(work)
    ratios: dict[str, list[float]] = {"one Redis worker": [], "two Redis workers": [], "two plain processes": []}
    try:
        for repetition in range(1, args.repeat + 1):
            runs = [together("plain", 1, site, work, None),
                    together("one Redis worker", 1, site, work, redis.url),
                    together("two Redis workers", 2, site, work, redis.url),
                    # The machine's own ceiling for two processes: each replays the whole site, sharing nothing.
                    together("two plain processes", 2, site, work, None)]
            print(f"\nrepetition {repetition}\n{'run':<28}{'pages':>7}{'wall s':>8}{'pages/s':>9}{'CPU s/1k':>9}"
                  f"{'RSS MB':>9}")
            for run in runs:
                print(run.row())
                if run.name in ratios:
                    ratios[run.name].append(run.pages_per_second / runs[0].pages_per_second)
            print("pages/s against plain: " + ", ".join(f"{name} {r[-1]:.2f}" for name, r in ratios.items()))
    finally:
        redis.stop()
    print(f"\nmedian of {args.repeat}, pages/s against plain: "
          + ", ".join(f"{name} {statistics.median(r):.2f}" for name, r in ratios.items()))

    print(f"\n{'plain replay, peak RSS MB':<28}{'in flight':>10}{'pages':>8}{'wall s':>8}{'RSS MB':>8}")
    small, large = work / "small", work / "large"
    generate(small, max(1, args.articles // 5), args.pages)
    generate(large, args.articles * 2, args.pages)
    for in_flight in (16, 4):
        sizes = []
        for name, folder in (("small", small), ("large", large)):
            run = measure_process(name, replay(folder, work / f"{name}.jsonl", "-s",
                                               f"CONCURRENT_REQUESTS_PER_DOMAIN={in_flight}"),
                                  work / f"{name}-{in_flight}.log")
            sizes.append(run)
            print(f"{name:<28}{in_flight:>10}{run.pages:>8}{run.seconds:>8.1f}{run.rss_mb:>8.0f}")
        print(f"  growth from {sizes[0].pages} to {sizes[1].pages} pages: {sizes[1].rss_mb - sizes[0].rss_mb:+.0f} MB")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
