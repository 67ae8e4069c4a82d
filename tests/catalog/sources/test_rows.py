"""Row-level tolerance: bounded numbers, the skip report and the file-level threshold."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.opening import open_source
from jcalc.catalog.sources.rows import (
    MUE_VALUE,
    PAYMENT_LIMIT,
    PKG_SIZE,
    SKIP_COUNT_FLOOR,
    SKIP_SHARE_LIMIT,
    RowSkipped,
    SkipReport,
    bounded_number,
)
from tests.catalog.sources import synth


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("137.828", Decimal("137.828")), ("1,234.5", Decimal("1234.5")), ("$3", Decimal(3)),
     ("0", Decimal(0)), ("N/A", None), ("", None), ("100000000", Decimal(100_000_000)),
     ("74.7650000000", Decimal("74.765"))],
)  # fmt: skip
def test_plausible_payment_limits(raw: str, expected: Decimal | None) -> None:
    assert bounded_number(raw, PAYMENT_LIMIT, "J9312") == expected


@pytest.mark.parametrize(
    ("raw", "bounds", "reason"),
    [("-5.00", PAYMENT_LIMIT, "impossible value"), ("100000000.01", PAYMENT_LIMIT,
      "impossible value"), ("0.0000001", PAYMENT_LIMIT, "impossible value"),
     ("21.3125?", PAYMENT_LIMIT, "number unreadable"), ("1e5", PAYMENT_LIMIT, "number unreadable"),
     ("0", PKG_SIZE, "impossible value"), ("-1", PKG_SIZE, "impossible value"),
     ("99999999999999999999999", MUE_VALUE, "impossible value"), ("2.5", MUE_VALUE,
      "impossible value"), ("9" * 5000, MUE_VALUE, "impossible value")],
)  # fmt: skip
def test_impossible_numbers_are_row_skips(raw: str, bounds: object, reason: str) -> None:
    with pytest.raises(RowSkipped) as caught:
        bounded_number(raw, bounds, "J9312")  # type: ignore[arg-type]
    assert caught.value.reason == reason
    assert "J9312" in caught.value.detail and len(caught.value.detail) < 200


def _report(rows: int, skipped: int) -> SkipReport:
    report = SkipReport("asp", "a.csv", rows_read=rows, imported=rows - skipped)
    for number in range(skipped):
        report.skip(10 + number, "number unreadable", f"the Payment Limit 'x{number}' is bad")
    return report


def test_the_threshold(tmp_path: Path) -> None:
    source = open_source(synth.write_asp(tmp_path / "a.csv"), "asp")
    _report(100, SKIP_COUNT_FLOOR).check(source)  # at the floor: kept
    _report(100, int(SKIP_SHARE_LIMIT * 100)).check(source)  # at the share: kept
    with pytest.raises(SourceFileError, match=r"26 of its 100 data rows cannot be used"):
        _report(100, 26).check(source)
    _report(20, 10).check(source)  # half of a small file, but no more than the floor


def test_summary_lines_count_each_reason_with_examples() -> None:
    report = _report(10, 4)
    report.skip(30, "impossible value", "the PKG SIZE '0' of J9312 is not above 0")
    report.aside("note rows")
    assert report.counts == {"number unreadable": 4, "impossible value": 1}
    lines = report.summary_lines(examples=2)
    assert lines[0] == "a.csv: 10 rows read, 6 imported, 5 skipped, 1 note rows"
    assert lines[1] == (
        "  skipped 4 (number unreadable): row 10: the Payment Limit 'x0' is bad; "
        "row 11: the Payment Limit 'x1' is bad"
    )
    assert lines[2].startswith("  skipped 1 (impossible value): row 30:")
