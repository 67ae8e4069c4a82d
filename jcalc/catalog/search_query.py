"""Queries taken apart: cleaning, folded words, FTS5 terms, NDC shapes, typo distances, weights."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from jcalc.catalog.search_index import (
    FIELD_RANK,
    fold,
    typo_eligible,
)

MAX_QUERY_CHARS: Final = 200
MAX_WORDS: Final = 8
MAX_WORD_CHARS: Final = 40
MAX_TYPO_CANDIDATES: Final = 30
MAX_NDC_PREFIX_CODES: Final = 200
COMMON_WORD_CODES: Final = 300

CODE_RE: Final = re.compile(r"[A-Z][0-9]{4}|[0-9]{4}[A-Z0-9]", re.ASCII)
CODE_PREFIX_RE: Final = re.compile(r"[A-Z][0-9]{0,3}|[0-9]{1,4}", re.ASCII)
NDC_TEXT_RE: Final = re.compile(r"(?:N4[ \-]?)?[0-9][0-9 \-]*", re.ASCII | re.IGNORECASE)
NDC_SHAPES: Final = {(5, 4, 2): "", (4, 4, 2): "0", (5, 3, 2): "1", (5, 4, 1): "2"}
NUMBER_UNIT_RE: Final = re.compile(r"([0-9]+)([a-z]+)", re.ASCII)
WORD_RE: Final = re.compile(r"[^\W_]+")


def clean_query(text: str) -> str:
    """The query as searched: control and format characters dropped, blanks collapsed, cut short."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "CZ" else char
        for char in text[: MAX_QUERY_CHARS * 4]
    )
    return " ".join(kept.split())[:MAX_QUERY_CHARS].strip()


def query_words(text: str) -> list[str]:
    """Folded words of a query, at most :data:`MAX_WORDS`; "4mg" becomes "4", "mg"."""
    found: list[str] = []
    for word in WORD_RE.findall(fold(text)):
        number_unit = NUMBER_UNIT_RE.fullmatch(word)
        found.extend(number_unit.groups() if number_unit else (word[:MAX_WORD_CHARS],))
    return list(dict.fromkeys(found))[:MAX_WORDS]


def fts_string(word: str) -> str:
    """``word`` as an FTS5 string: in double quotes, any inner double quote doubled, NUL dropped
    (FTS5 would end the expression there).

    Inside a string FTS5 reads no syntax, so "NEAR", "-x", "a:b" or "(" are only text.
    """
    return '"' + word.replace("\x00", "").replace('"', '""') + '"'


def fts_match(field: str | None, word: str, *, prefix: bool) -> str:
    """The MATCH expression for ``word`` in one field's column (any column for None), as a
    prefix when asked."""
    if field is not None and field not in FIELD_RANK:
        raise ValueError(f"no such search field: {field!r}")
    phrase = f"{fts_string(word)}{'*' if prefix else ''}"
    return phrase if field is None else f"{field} : {phrase}"


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix + "\U0010ffff"


def pad_ndc(segments: tuple[str, ...]) -> str | None:
    """An NDC's dashed segments as 11 digits, or None for another shape."""
    shape = tuple(len(segment) for segment in segments)
    if shape not in NDC_SHAPES:
        return None
    padded = list(segments)
    where = NDC_SHAPES[shape]
    if where:
        padded[int(where)] = "0" + padded[int(where)]
    return "".join(padded)


def ndc_lookups(text: str) -> tuple[list[str], list[str]]:
    """The 11-digit NDCs a query may be, and the 11-digit prefixes it may start.

    "50242-0053-06", "50242005306", "N450242005306" and the 10-digit hyphenated forms 4-4-2, 5-3-2
    and 5-4-1 give one NDC; an unhyphenated 10-digit NDC gives its three paddings (the catalog
    decides) and is also taken as the start of an 11-digit one; fewer digits give a prefix.
    """
    compact = text.strip()
    if not NDC_TEXT_RE.fullmatch(compact):
        return [], []
    if compact[:2].upper() == "N4":
        compact = compact[2:].lstrip(" -")
    segments = tuple(part for part in re.split(r"[ \-]+", compact) if part)
    digits = "".join(segments)
    if len(digits) < 3 or len(digits) > 11:
        return [], []
    exact: list[str] = []
    prefixes: list[str] = []
    if len(segments) == 1:
        if len(digits) == 11:
            exact.append(digits)
        elif len(digits) == 10:
            exact.extend(
                padded
                for padded in (
                    pad_ndc((digits[:4], digits[4:8], digits[8:])),
                    pad_ndc((digits[:5], digits[5:8], digits[8:])),
                    pad_ndc((digits[:5], digits[5:9], digits[9:])),
                )
                if padded
            )
            prefixes.append(digits)
        else:
            prefixes.append(digits)
        return exact, prefixes
    if len(segments) == 3:
        padded = pad_ndc(segments)
        if padded:
            exact.append(padded)
    first = segments[0]
    if len(first) == 4:
        first = "0" + first
    if len(first) == 5 and len(segments) <= 3:
        rest = segments[1:]
        if len(rest) == 2 and len(rest[0]) == 3:
            rest = ("0" + rest[0], rest[1])
        if all(len(part) <= 4 for part in rest[:1]) and (len(rest) < 2 or len(rest[0]) == 4):
            prefix = first + "".join(rest)
            if len(prefix) < 11:
                prefixes.append(prefix)
    return exact, prefixes


def osa_distance(first: str, second: str, limit: int) -> int | None:
    """Edit distance counting adjacent transpositions as one edit; None above ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return None
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, start=1):
            cost = 0 if char == other else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    distance = previous[-1]
    return distance if distance <= limit else None


def max_typo_distance(word: str) -> int:
    """How many edits a word may be away from an indexed word: 0 below 4 letters, 1 up to 6, 2."""
    if not typo_eligible(word):
        return 0
    return 1 if len(word) <= 6 else 2


def word_weight(code_count: int) -> int:
    """How much matching a word counts: rarer words count more."""
    if code_count <= 10:
        return 4
    if code_count <= 50:
        return 3
    if code_count <= 200:
        return 2
    return 1
