"""Plain text cleaning: pinyin readings, the site's source line and disclaimer, script.

Every function here takes and returns a ``str`` and only ever deletes what it
is sure is not the article (``to_simplified`` aside, which converts).
"""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache

# Only pypinyin's single-character dictionary is used. Without these, importing
# pypinyin also loads its phrase dictionary and copies both: 44 MB more per crawl.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from crawler.text.pagewords import is_page_bar
from crawler.text.script import to_simplified

__all__ = ["boilerplate_counts", "clean_text", "is_boilerplate", "strip_disclaimer", "strip_pinyin"]

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TONED_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
SYLLABLE = f"[a-zü{TONED_LETTERS}]+"

# One or more parenthesised lower-case syllables after a Han character. All the
# groups are taken at once so that "字(zì)(zì)" is cleaned in one pass
# (strip_pinyin stays idempotent). The pattern starts at the "(", and looks back
# for the character from there: a pattern starting with the character would be
# tried at every character of the text. The first group is written out: a
# repeated group is slow. re.split gives, after the text before each, the
# character and the groups without their first "(".
_READINGS = re.compile(f"\\((?<=([{HAN}])\\()({SYLLABLE}\\)(?:\\({SYLLABLE}\\))*)")

def _toneless(syllable: str) -> str:
    return to_normal(syllable, v_to_u=True)


@cache
def _dictionary_readings(char: str) -> frozenset[str] | None:
    """Toneless readings of ``char`` in pypinyin's dictionary, or None if it has none."""
    readings = pinyin_dict.get(ord(char))
    if not readings:
        return None
    return frozenset(_toneless(r) for r in readings.split(","))


@lru_cache(maxsize=1)
def _toned_syllables() -> frozenset[str]:
    """Every toned syllable that the dictionary knows, for characters it lacks."""
    return frozenset(r for rs in pinyin_dict.values() for r in rs.split(","))


@lru_cache(maxsize=65536)
def is_reading(char: str, syllable: str) -> bool:
    """Whether ``syllable`` is a pinyin reading of the Han character ``char``.

    The tone is not compared: annotators write tone sandhi (一(yí)個, 不(bú)是)
    and the neutral tone without a mark (們(men), 的(de)), and both are readings
    of the character. A character the dictionary does not have takes any toned
    syllable that the dictionary knows for some other character.
    """
    readings = _dictionary_readings(char)
    if readings is None:
        return syllable in _toned_syllables() and syllable != _toneless(syllable)
    return _toneless(syllable) in readings


@lru_cache(maxsize=65536)
def _readings_left(char: str, readings: str) -> str:
    """The groups that stay of ``readings`` (``zì)(zì)``: those after ``char``, the first "(" left out) once the
    leading readings of ``char`` go; cached, as the same few recur."""
    syllables = readings[:-1].split(")(")
    stripped = 0
    while stripped < len(syllables) and is_reading(char, syllables[stripped]):
        stripped += 1
    return "".join(f"({s})" for s in syllables[stripped:])


def strip_pinyin(text: str) -> str:
    """Remove every pinyin reading that follows a Han character, and nothing else."""
    if "(" not in text:
        return text
    # The text, then character and readings, in threes: mapped through the cache, with no Python call per match.
    parts = _READINGS.split(text)
    parts[2::3] = map(_readings_left, parts[1::3], parts[2::3])
    del parts[1::3]  # the character is in the text before it
    return "".join(parts)


def _phrase_pattern(phrase: str) -> str:
    """Regex for ``phrase`` in either script, each Han character optionally annotated."""
    parts = []
    for char in phrase:
        if char == ":":
            parts.append(r"[:：]\s*")
        elif char == ",":
            parts.append("[,，]")
        elif char == " ":
            parts.append(r"\s*")
        elif re.match(f"[{HAN}]", char):
            variants = "".join(sorted({char, to_simplified(char)}))
            parts.append(f"[{variants}](?:\\({SYLLABLE}\\))?")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


_SITE_URL = r"(?:https?://)?(?:www\.)?xiangtianlong\.com/?"
_SOURCE_LINE = _phrase_pattern("文章來源於:") + _SITE_URL + _phrase_pattern(" 家鄉網")
_DISCLAIMER = _phrase_pattern("網站內容來源於網絡,其真實性與本站無關,請網友慎重判斷") + "[。.!！]?"
_BOILERPLATE = f"(?:{_SOURCE_LINE}|{_DISCLAIMER})"
# Only at the end of a line: on a line of its own, or stuck to the end of the
# last paragraph. A sentence that merely mentions the site goes on after it.
_TRAILING_BOILERPLATE = re.compile(
    f"[ \\t\u3000\xa0]*{_BOILERPLATE}(?:[ \\t\u3000\xa0]*{_BOILERPLATE})*[ \\t\u3000\xa0]*$",
    re.MULTILINE,
)


_SOURCE_LINES = re.compile(_SOURCE_LINE)
_DISCLAIMERS = re.compile(_DISCLAIMER)


def boilerplate_counts(text: str) -> tuple[int, int]:
    """How many source lines and disclaimers, in their known words, ``text`` holds."""
    lines = [line for line in text.split("\n") if "源" in line]  # both hold 源 (來源, 来源)
    return (sum(len(_SOURCE_LINES.findall(line)) for line in lines),
            sum(len(_DISCLAIMERS.findall(line)) for line in lines))


def strip_disclaimer(text: str) -> str:
    """Remove the site's source line and disclaimer, and the lines they leave empty."""
    if "源" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        if "源" not in line:  # the source line and the disclaimer both hold it
            lines.append(line)
            continue
        cleaned = _TRAILING_BOILERPLATE.sub("", line)
        if cleaned == line or cleaned.strip():
            lines.append(cleaned)
    return "\n".join(lines)


_PARAGRAPH_START = re.compile(r"^(?:[\s\u3000\xa0]|&nbsp;?)+")
_COPYRIGHT = re.compile(r"©|&copy;|copyright|版權所有|版权所有|ICP[備备證证]|公網安備|公网安备|all rights reserved", re.IGNORECASE)


# Case-sensitive first, as a quick filter: the case-blind pattern is slow on every text of every page.
_COPYRIGHT_HINT = re.compile("©|&copy|opyright|OPYRIGHT|版權|版权|ICP|安備|安备|eserved|ESERVED")


def is_boilerplate(text: str) -> bool:
    """Whether a piece of page text is nothing but the source line, the disclaimer or a copyright notice."""
    if len(text) < 200 and _COPYRIGHT_HINT.search(text) and _COPYRIGHT.search(text):
        return True
    return "源" in text and not strip_disclaimer(text).strip()


def clean_text(text: str) -> str:
    """strip_pinyin and strip_disclaimer, then one paragraph a line with no blank lines.

    Lines that are only a page bar are dropped. Spaces, no-break spaces (also as a literal ``&nbsp;``) and full-width spaces
    at the start of a paragraph, and trailing spaces, are removed.
    """
    text = strip_disclaimer(strip_pinyin(text))
    paragraphs = (_PARAGRAPH_START.sub("", line).rstrip() for line in text.splitlines())
    return "\n".join(p for p in paragraphs if p and not is_page_bar(p))
