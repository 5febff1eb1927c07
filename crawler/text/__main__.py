"""``python -m crawler.text``: clean saved text as the crawl does, or (``--check``) show what cleaning removes."""

from __future__ import annotations

import argparse
import sys

from crawler.text.cleaning import clean_text
from crawler.text.drift import check_report
from crawler.text.script import to_simplified


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.text",
        description="Clean text saved from 家鄉網: strip pinyin readings, the source line and the disclaimer.",
    )
    parser.add_argument("file", nargs="?", help="UTF-8 text file, or with --check an articles.jsonl (default: stdin)")
    parser.add_argument(
        "--simplified", action="store_true", help="also convert to Simplified script (OpenCC t2s)"
    )
    parser.add_argument("--check", action="store_true",
                        help="print what cleaning removes and what it keeps that looks like a reading, not the text")
    args = parser.parse_args(argv)
    if args.file:
        with open(args.file, encoding="utf-8") as f:
            text = f.read()
    else:
        text = sys.stdin.read()
    if args.check:
        sys.stdout.write(check_report(text, args.file or "-"))
        return 0
    text = clean_text(text)
    if args.simplified:
        text = to_simplified(text)
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
