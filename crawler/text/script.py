"""Traditional to Simplified script, as opencc-python-reimplemented's ``OpenCC('t2s')`` converts, at C speed.

The library is the reference and the dictionary source: its own ``t2s``
configuration and dictionary files are read here. Its conversion splits the
text at punctuation and white space; in each piece it replaces the longest
phrase of its phrase dictionary (the leftmost of that length), then does the
same in the pieces left and right of it (with phrases no longer than the one
found), and maps every remaining character through its character dictionary,
taking the first of several values. Here a piece without any phrase (nearly
all of them) is mapped with ``str.translate``; a piece with a phrase follows
the same longest-then-leftmost rule with dictionary lookups instead of the
library's tree. ``tests/text/test_script.py`` checks the output is the library's,
character for character.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import opencc

_PACKAGE = Path(opencc.__file__).parent


def _dictionary(name: str) -> dict[str, str]:
    """One of the library's dictionaries: key -> the first of its values."""
    entries = {}
    with (_PACKAGE / "dictionary" / name).open(encoding="utf-8") as f:
        for line in f:
            key, value = line.strip().split("\t")
            entries[key] = value.split(" ")[0]
    return entries


@cache
def _tables() -> tuple[dict[str, str], list, re.Pattern, re.Pattern, int]:
    """The phrases, the character table, a pattern finding any phrase, the library's separators, the longest phrase."""
    config = json.loads((_PACKAGE / "config" / "t2s.json").read_text(encoding="utf-8"))
    [phrase_file, character_file] = [d["file"] for d in config["conversion_chain"][0]["dict"]["dicts"]]
    phrases, characters = _dictionary(phrase_file), _dictionary(character_file)
    if any(len(k) != 1 for k in characters):
        raise ValueError(f"{character_file} has keys longer than one character: str.translate cannot map them")
    # A table indexed by code point: str.translate reads a list twice as fast as a dict.
    table = list(range(max(map(ord, characters)) + 1))
    for key, value in characters.items():
        table[ord(key)] = value
    separators = opencc.OpenCC("t2s").split_chars_re
    return phrases, table, re.compile(_trie(phrases)), separators, max(map(len, phrases))


def _trie(words) -> str:
    """A pattern matching any of ``words``, as a trie of alternations (faster than a flat alternation)."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{group})?" if "" in node else group

    return pattern(tree)


def _piece(text: str, limit: int) -> str:
    """One piece between separators: the longest phrase (leftmost of that length) first, then each side."""
    phrases, characters, _, _, _ = _tables()
    for length in range(min(len(text), limit), 1, -1):
        for start in range(len(text) - length + 1):
            value = phrases.get(text[start:start + length])
            if value is not None:
                return _piece(text[:start], length) + value + _piece(text[start + length:], length)
    return text.translate(characters)


def to_simplified(text: str) -> str:
    """Convert Traditional to Simplified script exactly as ``OpenCC('t2s').convert`` does."""
    _, characters, finder, separators, longest = _tables()
    if not finder.search(text):
        return text.translate(characters)  # no separator is in the table, so no need to split
    pieces = separators.split(text)
    return "".join(
        piece if i % 2 else (_piece(piece, longest) if finder.search(piece) else piece.translate(characters))
        for i, piece in enumerate(pieces)
    )
