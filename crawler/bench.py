"""Benchmark of the text cleaning: ``python -m crawler.bench [--mb 10]``.

Prints the throughput of strip_pinyin, clean_text and the Traditional→Simplified
conversion on the seed page repeated to about --mb megabytes. A script, not a
test: figures vary with the machine and its load, so compare them as ratios.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from .cleaning import clean_text, strip_pinyin, to_simplified

SEED_PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "seed-page.txt"


def throughput(function, text: str, repeat: int = 3) -> float:
    """Best of ``repeat`` runs, in MB of UTF-8 input per second."""
    size = len(text.encode("utf-8")) / 1e6
    best = min(_timed(function, text) for _ in range(repeat))
    return size / best


def _timed(function, text: str) -> float:
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of the cleaning input (default 10)")
    parser.add_argument("--file", type=Path, default=SEED_PAGE, help="text to repeat (default: the seed page)")
    args = parser.parse_args(argv)
    page = args.file.read_text(encoding="utf-8")
    text = page * max(1, round(args.mb * 1e6 / len(page.encode("utf-8"))))
    # OpenCC's pure-Python converter is slow; a tenth of the input is enough to measure it.
    small = page * max(1, round(args.mb * 1e5 / len(page.encode("utf-8"))))
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"input: {args.file.name} x{len(text) // len(page)} = {len(text.encode('utf-8')) / 1e6:.1f} MB")
    print(f"{'step':<28}{'MB/s':>8}")
    for name, function, sample in (
        ("strip_pinyin", strip_pinyin, text),
        ("clean_text", clean_text, text),
        ("to_simplified (OpenCC t2s)", to_simplified, small),
    ):
        print(f"{name:<28}{throughput(function, sample):>8.1f}")


if __name__ == "__main__":
    main()
