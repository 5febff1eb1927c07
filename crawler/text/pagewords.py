"""The words of a page bar (上一頁, 下一頁, 首頁, 末頁 and their Simplified forms), and a line that is only a bar."""

from __future__ import annotations

import re

PREV_WORDS = ("上一頁", "上一页", "上頁", "上页")
NEXT_WORDS = ("下一頁", "下一页", "下頁", "下页")
FIRST_WORDS = ("首頁", "首页", "第一頁", "第一页")
LAST_WORDS = ("末頁", "末页", "尾頁", "尾页", "最後一頁", "最后一页")
PAGE_WORDS = "|".join(PREV_WORDS + NEXT_WORDS + FIRST_WORDS + LAST_WORDS)
BAR_WORD = re.compile("|".join(PREV_WORDS + NEXT_WORDS))
# A line of text that is nothing but a page bar: 上一頁 [1] [2] … [10] 下一頁 (共10頁).
_BAR_LINE = re.compile(
    "(?:" + PAGE_WORDS + r"|共\s*\d+\s*[頁页][:：]?|\[\s*\d+\s*\]|\d+|…+|\.{2,}|[\s\u3000\xa0|])+"
)


def is_page_bar(line: str) -> bool:
    """Whether a line of text is a page bar and nothing else (it names 上一頁 or 下一頁)."""
    return bool(_BAR_LINE.fullmatch(line)) and bool(BAR_WORD.search(line))
