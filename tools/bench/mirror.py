"""Mirroring benchmark: ``python -m tools.bench.mirror [--articles 200 --pages 10 --delay 0.1]``.

Mirrors one generated replica served on 127.0.0.1 with the crawler and with
``wget --mirror``, twice: served instantly, and with a fixed delay before every
response (a server far away). Also mirrors the pages alone (no images and
stylesheets) and runs the same crawl saving nothing, to show what saving costs. Prints files saved and wall time side by side, and
whether the crawler saved every file wget saved. Needs wget on the PATH.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..replica import generate
from .common import ROOT, served

# What the README recommends for mirroring: AutoThrottle stays on, aiming at 8
# requests in flight, with no fixed delay on top.
MIRROR_SETTINGS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "AUTOTHROTTLE_TARGET_CONCURRENCY": "8",
    "DOWNLOAD_DELAY": "0",
    "TELNETCONSOLE_ENABLED": "False",
    "STATE_FILE": "",
}


COMPARED = ("crawler, mirror, pages only", "crawler, no mirror")


def saved_files(folder: Path) -> set[str]:
    """Paths of the files saved under the one host folder in ``folder``, relative to it."""
    hosts = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    return {p.relative_to(host).as_posix() for host in hosts for p in host.rglob("*") if p.is_file()}


def fresh_run(command: list[str], target: Path) -> float:
    """Wall time of ``command`` writing into an empty ``target`` (its log beside it).

    An earlier run's folder is moved aside, not deleted: on a file system mounted
    with ``discard`` (this one), thousands of deletions slow down the file
    creations of the run that follows them, and that is not the mirror's cost.
    """
    if target.exists():
        target.rename(target.with_name(f"{target.name}.{time.monotonic_ns()}"))
    target.mkdir(parents=True)
    start = time.perf_counter()
    with target.with_suffix(".log").open("w") as out:
        subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.mirror", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds before each response (default 0.1)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the two crawls that measure the cost of saving, served instantly (default 3)")
    parser.add_argument("--keep", type=Path, help="write the site, mirrors and logs here and keep them")
    args = parser.parse_args(argv)
    wget = shutil.which("wget")
    if not wget:
        sys.exit("wget is not installed (Debian: apt-get install wget)")

    work = args.keep or Path(tempfile.mkdtemp(prefix="hometown-mirror-bench-"))
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    count = generate(site, args.articles, args.pages)
    version = subprocess.run([wget, "--version"], capture_output=True, text=True, check=False).stdout.splitlines()[0]
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}; {version}")
    print(f"site: {args.articles} articles x {args.pages} pages, {count} HTML pages plus images and a stylesheet")
    settings = [arg for name, value in MIRROR_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    scrapy = [sys.executable, "-m", "scrapy", "crawl", "hometown", *settings]

    print(f"\n{'server':<14}{'run':<32}{'files':>7}{'wall s':>9}")
    for delay in (0.0, args.delay):
        label = "instant" if not delay else f"{delay * 1000:.0f} ms delay"

        def command(name: str, base: str, target: Path) -> list[str]:
            if name.startswith("wget"):
                return [wget, "--mirror", "--no-verbose", "--restrict-file-names=windows", "-e", "robots=on",
                        f"--directory-prefix={target}", base]
            if name == "crawler, no mirror":  # the same pages as "pages only", nothing saved
                return [*scrapy, "-a", f"start_url={base}", "-s", "FOLLOW_ALL_LINKS=True",
                        "-O", str(target / "articles.jsonl")]
            requisites = "False" if "pages only" in name else "True"
            return [*scrapy, "-a", f"start_url={base}", "-s", f"MIRROR_DIR={target}",
                    "-s", f"MIRROR_REQUISITES={requisites}", "-O", str(target / "articles.jsonl")]

        names = ("wget --mirror", "crawler, mirror", *COMPARED)
        targets = {n: work / f"{n.replace(', ', '-').replace(' ', '-')}-{label.replace(' ', '-')}" for n in names}
        seconds: dict[str, list[float]] = {n: [] for n in names}
        with served(site, delay) as base:
            # The cost of saving is a few percent, below this machine's noise from one
            # run to the next: served instantly, the two runs compared for it take
            # turns --repeat times and each keeps its best.
            rounds = [names[:2], *[COMPARED] * (args.repeat if not delay else 1)]
            for names_in_round in rounds:
                for name in names_in_round:
                    seconds[name].append(fresh_run(command(name, base, targets[name]), targets[name]))
        for name in names:
            files = saved_files(targets[name])
            shown = f"{len(files):>7}" if "no mirror" not in name else f"{'-':>7}"
            best = f"  (best of {len(seconds[name])})" if len(seconds[name]) > 1 else ""
            print(f"{label:<14}{name:<32}{shown}{min(seconds[name]):>9.1f}{best}")
        missed = sorted(saved_files(targets["wget --mirror"]) - saved_files(targets["crawler, mirror"]))
        print(f"{label:<14}files wget saved that the crawler did not: {len(missed)} {missed[:5]}")
        ratio = min(seconds["crawler, mirror"]) / min(seconds["wget --mirror"])
        print(f"{label:<14}crawler mirror / wget wall time: {ratio:.2f}")
        ratio = min(seconds[COMPARED[0]]) / min(seconds[COMPARED[1]])
        print(f"{label:<14}mirror (pages only) / no mirror wall time: {ratio:.2f}")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
