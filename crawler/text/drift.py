"""Has the site's text format drifted? What cleaning removed from a page, and what it kept that looks like a reading.

Cleaning trusts the site's forms: a reading is ``字(pīn)``, and the source line
and the disclaimer have their known words. Were the site to write ``字（pīn）``,
``字( pīn )``, ``字(Pīn)`` or ``字(dang3)``, or to reword its disclaimer, those
would stay in every article. Nothing is removed here on suspicion: a page's
``Drift`` counts what went and what looks wrong but stayed, so that the run
summary can warn and a person decide.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pypinyin.contrib.tone_convert import to_normal

from crawler.text.cleaning import HAN, TONED_LETTERS, boilerplate_counts, clean_text, is_reading

_TONED_CAPITALS = "ĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"
# A Han character, then a Latin syllable in half- or full-width parentheses, maybe with spaces or a tone number.
_LOOKS_LIKE_READING = re.compile(
    f"([{HAN}])([(（])(\\s*)([A-Za-züÜ{TONED_LETTERS}{_TONED_CAPITALS}]{{1,6}})([1-5]?)(\\s*)([)）])"
)
SNIPPET = 12  # characters shown on each side of a suspect


@dataclass
class Drift:
    """What cleaning did to one text, and what it kept that looks like a reading."""

    readings_stripped: int = 0
    source_lines: int = 0
    disclaimers: int = 0
    suspects: list[str] = field(default_factory=list)  # snippets around what looks like a reading but was kept


def suspects(cleaned: str) -> list[str]:
    """Snippets of ``cleaned`` around a kept reading-like syllable: toned (by mark or number), or a reading of its
    character written in another form (full-width parentheses, a space, a capital)."""
    found: list[str] = []
    # Matched where a parenthesis opens, not tried at every character of the text.
    opens = [i for paren in "(（" for i in _positions(cleaned, paren) if i > 0]
    for match in filter(None, (_LOOKS_LIKE_READING.match(cleaned, i - 1) for i in sorted(opens))):
        char, opening, before, syllable, number, after, closing = match.groups()
        plain = to_normal(syllable.lower(), v_to_u=True)
        toned = bool(number) or plain != syllable.lower()
        other_form = opening == "（" or closing == "）" or before or after or syllable != syllable.lower()
        if toned or (other_form and is_reading(char, plain)):
            start, end = max(0, match.start() - SNIPPET), min(len(cleaned), match.end() + SNIPPET)
            found.append(cleaned[start:end].replace("\n", " "))
    return found


def _positions(text: str, char: str) -> list[int]:
    """Where ``char`` stands in ``text``."""
    found, at = [], text.find(char)
    while at >= 0:
        found.append(at)
        at = text.find(char, at + 1)
    return found


def measure(raw: str, cleaned: str) -> Drift:
    """The drift counts of one text, before (``raw``) and after (``cleaned``) cleaning."""
    source_lines, disclaimers = boilerplate_counts(raw)
    # Each reading is one "(…)" group, and the text's own parentheses stay.
    return Drift(raw.count("(") - cleaned.count("("), source_lines, disclaimers, suspects(cleaned))


def check_report(text: str, name: str) -> str:
    """``python -m crawler.text --check``: the counts for a saved page's text, or for each article of a JSON Lines
    feed (cleaned already, so only what was kept shows)."""
    records = []
    if text.lstrip().startswith("{"):
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            records = []
    texts = [(r.get("url", f"record {i}"), f"{r.get('title', '')}\n{r.get('text', '')}") for i, r in enumerate(records, 1)]
    texts = texts or [(name, text)]
    lines, total = [], Drift()
    for where, raw in texts:
        drift = measure(raw, clean_text(raw))
        total.readings_stripped += drift.readings_stripped
        total.source_lines += drift.source_lines
        total.disclaimers += drift.disclaimers
        total.suspects += [f"{where}: {s}" for s in drift.suspects]
    lines.append(f"{name}: {len(texts)} text{'s' if len(texts) > 1 else ''}")
    lines.append(f"readings stripped: {total.readings_stripped}")
    lines.append(f"source lines: {total.source_lines}")
    lines.append(f"disclaimers: {total.disclaimers}")
    lines.append(f"kept, but look like readings: {len(total.suspects)}")
    lines += [f"  {s}" for s in total.suspects[:20]]
    return "\n".join(lines) + "\n"
