"""Row-level tolerance of the CMS readers: skipped rows counted by reason, bounded numbers.

A reader keeps every row it can use and skips the others, each with a reason and the row number,
in a :class:`SkipReport`. A file is still refused as a whole when it is not the kind its flag says
(no header, a required column missing) or when more than :data:`SKIP_SHARE_LIMIT` of its data rows
(and more than :data:`SKIP_COUNT_FLOOR`) cannot be used: then the columns do not hold what their
names say, and importing the rest would hide that.

The limit comes from the real CMS files (``tests/catalog/sources/test_real_files.py``): the 2026Q1
and 2025Q3 ASP files and crosswalks, the 2026Q2 MUE table and the 2019 and 2026 HCPCS files skip
no row at all. The largest share of unusual rows in a real file is the 14.5 % (1,140 of 7,873) of
the July 2025 crosswalk whose product identifier is not an NDC; those are kept as products, but
had CMS changed their shape they would be skips. 25 % is above that share with room to spare, so
a quarter with a new kind of unusual row still imports (its rows reported), and far below the
100 % of a file whose columns hold something else. Below :data:`SKIP_COUNT_FLOOR` skipped rows a
file is never refused for its share (a small file with two bad rows), unless no row is usable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from jcalc.catalog.sources.opening import ANY_CODE, Source
from jcalc.catalog.sources.values import parse_decimal

SKIP_SHARE_LIMIT: Final = Decimal("0.25")
SKIP_COUNT_FLOOR: Final = 10
EXAMPLES: Final = 3  # examples shown per reason in build and update output

# Reasons a row is skipped (the keys of the report's counts).
NOT_A_CODE: Final = "not a HCPCS code"
TOO_FEW_COLUMNS: Final = "too few columns"
NOT_A_NUMBER: Final = "number unreadable"
IMPOSSIBLE_VALUE: Final = "impossible value"
NO_IDENTIFIER: Final = "no product identifier"
BAD_DATE: Final = "date unreadable"
BAD_RECORD: Final = "damaged record"


class RowSkipped(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a row check: the row cannot be used (``reason`` is one of the reasons above)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SkippedRow:
    """One row left out of the catalog, with where it was and why."""

    row: int  # 1-based row of the table (or line of the fixed-width text)
    reason: str
    detail: str  # one sentence naming the value, e.g. "the PKG SIZE '0' of J9312 is not above 0"

    def sentence(self) -> str:
        """ "row 12: the PKG SIZE '0' of J9312 is not above 0"."""
        return f"row {self.row}: {self.detail}"


@dataclass
class SkipReport:
    """What a reader did with the data rows of one file: imported, skipped by reason, set aside.

    ``rows_read == imported + len(skipped) + sum(set_aside.values())`` always holds; rows set
    aside are not for this catalog by design (CPT and CDT rows of the MUE table, modifiers).
    """

    kind: str
    source_name: str
    rows_read: int = 0
    imported: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    set_aside: dict[str, int] = field(default_factory=dict)

    def skip(self, row: int, reason: str, detail: str) -> None:
        """Count one skipped data row."""
        self.skipped.append(SkippedRow(row, reason, detail))

    def aside(self, why: str) -> None:
        """Count one row that is not for the catalog by design."""
        self.set_aside[why] = self.set_aside.get(why, 0) + 1

    @property
    def counts(self) -> dict[str, int]:
        """Skipped rows per reason, most frequent first."""
        return dict(Counter(row.reason for row in self.skipped).most_common())

    def summary_lines(self, examples: int = EXAMPLES) -> list[str]:
        """ "file.csv: 7125 rows read, 7124 imported, 1 skipped", then each reason with examples."""
        total = len(self.skipped)
        lines = [
            f"{self.source_name}: {self.rows_read} rows read, {self.imported} imported, "
            f"{total} skipped"
            + "".join(f", {count} {why}" for why, count in self.set_aside.items())
        ]
        for reason, count in self.counts.items():
            shown = [row for row in self.skipped if row.reason == reason][:examples]
            lines.append(f"  skipped {count} ({reason}): " + "; ".join(r.sentence() for r in shown))
        return lines

    def check(self, source: Source) -> None:
        """Refuse the file when too many of its rows (or all of them) cannot be used."""
        total = len(self.skipped)
        if total and not self.imported:
            raise source.error(
                f"none of its {total} data rows can be used (first: {self.skipped[0].sentence()})"
            )
        if total <= SKIP_COUNT_FLOOR or total <= SKIP_SHARE_LIMIT * self.rows_read:
            return
        reason, count = next(iter(self.counts.items()))
        first = next(row for row in self.skipped if row.reason == reason)
        raise source.error(
            f"{total} of its {self.rows_read} data rows cannot be used ({count} {reason}, first: "
            f"{first.sentence()}): is this the right file?"
        )


@dataclass(frozen=True)
class Bounds:
    """The plausible range and precision of a number column."""

    label: str
    minimum: Decimal
    maximum: Decimal
    places: int  # decimal places allowed
    above_minimum: bool = False  # True: the minimum itself is impossible (PKG SIZE 0)


PAYMENT_LIMIT: Final = Bounds("Payment Limit", Decimal(0), Decimal(100_000_000), 6)
PKG_SIZE: Final = Bounds("PKG SIZE", Decimal(0), Decimal(1_000_000), 6, above_minimum=True)
PKG_QTY: Final = Bounds("PKG QTY", Decimal(0), Decimal(1_000_000), 6, above_minimum=True)
BILL_UNITS: Final = Bounds("BILLUNITS", Decimal(0), Decimal(10_000_000), 6, above_minimum=True)
BILL_UNITS_PKG: Final = Bounds(
    "BILLUNITSPKG", Decimal(0), Decimal(10_000_000_000), 6, above_minimum=True
)
MUE_VALUE: Final = Bounds("MUE value", Decimal(0), Decimal(1_000_000), 0)

_MAX_CELL: Final = 40  # a number cell longer than this is not a number CMS writes


def bounded_number(raw: str, bounds: Bounds, code: str, label: str = "") -> Decimal | None:
    """The Decimal of a number cell within ``bounds`` (None for blank or "N/A").

    Raises :class:`RowSkipped` for text that is not a number (``21.3125?``) and for values out of
    range or with more decimal places than CMS ever writes.
    """
    name = label or bounds.label
    shown = raw.strip()
    if len(shown) > _MAX_CELL:
        shown = shown[:_MAX_CELL] + "…"
        raise RowSkipped(IMPOSSIBLE_VALUE, f"the {name} '{shown}' of {code} is far too long")
    try:
        value = parse_decimal(raw)
    except ValueError:
        raise RowSkipped(NOT_A_NUMBER, f"the {name} '{shown}' of {code} is not a number") from None
    if value is None:
        return None
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    low = value <= bounds.minimum if bounds.above_minimum else value < bounds.minimum
    if low:
        word = "not above" if bounds.above_minimum else "below"
        raise RowSkipped(
            IMPOSSIBLE_VALUE, f"the {name} '{shown}' of {code} is {word} {bounds.minimum}"
        )
    if value > bounds.maximum:
        raise RowSkipped(
            IMPOSSIBLE_VALUE, f"the {name} '{shown}' of {code} is above {bounds.maximum:,}"
        )
    if places > bounds.places:
        what = "is not a whole number" if bounds.places == 0 else "has too many decimal places"
        raise RowSkipped(IMPOSSIBLE_VALUE, f"the {name} '{shown}' of {code} {what}")
    return value


NOTE_ROWS: Final = "note rows"


def row_code_or_skip(source: Source, row: list[str]) -> str | None:
    """The HCPCS code of a data row; None for a note row (text in the first column only).

    Raises :class:`RowSkipped` when the code cell holds something else and other cells are set.
    """
    cell = row[source.columns["code"]].strip().upper()
    if ANY_CODE.fullmatch(cell):
        return cell
    if not any(row[c].strip() for key, c in source.columns.items() if key != "code"):
        return None
    shown = cell if len(cell) <= _MAX_CELL else cell[:_MAX_CELL] + "…"
    raise RowSkipped(NOT_A_CODE, f"'{shown}' is not a HCPCS code")


def new_report(source: Source) -> SkipReport:
    """An empty report for ``source`` (named like the file given)."""
    return SkipReport(kind=source.kind, source_name=source.path.name)


def short_rows(report: SkipReport) -> Callable[[int, str], None]:
    """The ``short`` callback of :meth:`Source.data_rows` that counts a short row as skipped."""

    def skip(index: int, problem: str) -> None:
        report.rows_read += 1
        report.skip(index + 1, TOO_FEW_COLUMNS, problem)

    return skip
