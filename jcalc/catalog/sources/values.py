"""Values of CMS cells and title lines: numbers, YYYYMMDD dates, effective periods, quarters."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

_NONE_WORDS: Final = frozenset({"", "N/A", "NA", "N.A.", "-", "--", "—"})
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED_NUMBER: Final = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def parse_decimal(text: str) -> Decimal | None:
    """Decimal of a number cell ("1,000.50", "$3", "137.828"); None for blank or "N/A".

    Raises ValueError for anything else.
    """
    cleaned = text.strip().replace("$", "").replace(" ", "")
    if cleaned.upper() in _NONE_WORDS:
        return None
    if _GROUPED_NUMBER.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # unreachable after the pattern check; kept as a guard
        raise ValueError(text) from exc


def parse_yyyymmdd(text: str) -> date | None:
    """Date of a YYYYMMDD cell (also YYYY-MM-DD); None when blank. Raises ValueError."""
    cleaned = text.strip().replace("-", "")
    if not cleaned or set(cleaned) == {"0"}:
        return None
    if len(cleaned) != 8 or not cleaned.isdigit():
        raise ValueError(text)
    return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))


MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_WORD_DATE: Final = r"([A-Za-z]{3,9})\.?\s+([0-9]{1,2}),?\s+((?:19|20)[0-9]{2})"
_NUMERIC_DATE: Final = r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]((?:19|20)[0-9]{2})"
_EFFECTIVE_RANGE: Final = re.compile(
    rf"effective\s+(?:from\s+)?(?:{_WORD_DATE}|{_NUMERIC_DATE})\s*"
    rf"(?:through|thru|to|until|-|–|—)\s*(?:{_WORD_DATE}|{_NUMERIC_DATE})",
    re.IGNORECASE,
)


def _date_from_groups(groups: Sequence[str | None]) -> date | None:
    month_name, day, year, num_month, num_day, num_year = groups
    try:
        if month_name is not None and day is not None and year is not None:
            month = MONTHS.get(month_name.lower())
            return None if month is None else date(int(year), month, int(day))
        if num_month is not None and num_day is not None and num_year is not None:
            return date(int(num_year), int(num_month), int(num_day))
    except ValueError:
        return None
    return None


def effective_range(text: str) -> tuple[date, date] | None:
    """Dates of "Effective January 1, 2026 through March 31, 2026" (or 01/01/2026 - 03/31/2026)."""
    match = _EFFECTIVE_RANGE.search(text)
    if match is None:
        return None
    start = _date_from_groups(match.groups()[:6])
    end = _date_from_groups(match.groups()[6:])
    if start is None or end is None or end < start:
        return None
    return start, end


_QUARTER_PATTERNS: Final = (
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[\s_-]*q([1-4])(?![0-9])", re.IGNORECASE),
    re.compile(r"(?<![a-z])q([1-4])[\s_-]*((?:19|20)[0-9]{2})(?![0-9])", re.IGNORECASE),
)
_QUARTER_DATE: Final = re.compile(
    r"(?<![0-9])([0-9]{1,2})[-/_.]([0-9]{1,2})[-/_.]((?:19|20)[0-9]{2})(?![0-9])"
)
_MONTH_YEAR: Final = re.compile(
    r"(?<![a-z])([a-z]{3,9})\.?[\s_-]*(?:[0-9]{1,2},?[\s_-]*)?((?:19|20)[0-9]{2})(?![0-9])",
    re.IGNORECASE,
)


def quarter_of(text: str) -> tuple[int, int] | None:
    """(year, quarter) named in a file name or title line.

    Understands "2026q2", "2026-Q2", "Q2 2026", "Eff_04-01-2026" and "April 1, 2026".
    """
    for number, pattern in enumerate(_QUARTER_PATTERNS):
        match = pattern.search(text)
        if match:
            year, quarter = (match[1], match[2]) if number == 0 else (match[2], match[1])
            return int(year), int(quarter)
    for match in _QUARTER_DATE.finditer(text):
        month = int(match[1])
        if 1 <= month <= 12:
            return int(match[3]), (month - 1) // 3 + 1
    for match in _MONTH_YEAR.finditer(text):
        named = MONTHS.get(match[1].lower())
        if named is not None:
            return int(match[2]), (named - 1) // 3 + 1
    return None


def quarter_dates(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    last_month = quarter * 3
    return date(year, last_month - 2, 1), date(year, last_month, monthrange(year, last_month)[1])
