"""`jcalc calc --json` on dates of service: code dates as CMS defines them, ASP prices by quarter.

Code dates: the CMS HCPCS record layout (HCPC2026_recordlayout.txt in the January 2026 HCPCS zip)
defines ADD DT as the date the code was added, ACT EFF DT as the "effective date of action to a
procedure or modifier code", TERM DT as the "last date for which a procedure or modifier code may
be used by Medicare providers", and ACTION CD B/C as a change of the long description (DOMAIN.md
§5). Prices: the ASP payment limit files apply to the quarter named in their title ("Effective
July 1, 2025 through September 30, 2025"); DOMAIN.md §5 "Medicare allowed ≈ ASP payment limit ×
units".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jcalc.cli import main


def calc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["calc", *args, "--no-clinic-data", "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = calc(capsys, *args)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("code", "dose", "day", "units"),
    [
        ("J2310", "1 mg", "2025-05-01", 1),  # ADD 1996-01-01, ACT EFF 2025-07-01, TERM 2025-06-30
        ("J2310", "1 mg", "2025-06-30", 1),  # TERM DT is the last valid day
        ("J2505", "6 mg", "2021-06-01", 1),  # ADD 2004-01-01, ACT EFF 2022-01-01, TERM 2021-12-31
        ("J9310", "100 mg", "2018-06-01", 1),  # ADD 1999-01-01, ACT EFF 2019-01-01
        ("J2506", "1 mg", "2022-03-01", 2),  # ADD 2022-01-01, ACT EFF 2023-04-01
    ],
)
def test_billable_from_add_date_through_term_date(
    capsys: pytest.CaptureFixture[str], code: str, dose: str, day: str, units: int
) -> None:
    """The January 2026 HCPCS file's dates: billable ADD DT..TERM DT, whatever ACT EFF DT."""
    result = calc_json(capsys, code, dose, "--multi-dose", "--date", day)
    assert result["units"] == units
    assert not any("valid" in warning for warning in result["warnings"])


def test_after_term_date_is_one_error_naming_the_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = calc(capsys, "J2310", "1 mg", "--date", "2025-07-01")
    assert (code, out) == (2, "")
    assert err == (
        "error: J2310 is not valid on 2025-07-01: it was terminated on 2025-06-30, its last "
        "valid day (billable from 1996-01-01 through 2025-06-30)\n"
    )


def test_before_add_date_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = calc(capsys, "J2312", "0.4 mg", "--date", "2025-06-30")
    assert code == 2
    assert "it was added on 2025-07-01" in err and err.count("\n") == 1


def test_before_a_long_description_change_warns(capsys: pytest.CaptureFixture[str]) -> None:
    """J7322: ADD DT 2017-01-01, ACTION CD C (long description changed) effective 2026-01-01."""
    result = calc_json(capsys, "J7322", "48 mg", "--multi-dose", "--date", "2025-06-01")
    assert result["units"] == 48
    assert any(
        "J7322's long description changed on 2026-01-01 (HCPCS action C" in warning
        for warning in result["warnings"]
    )
    later = calc_json(capsys, "J7322", "48 mg", "--multi-dose", "--date", "2026-02-02")
    assert not any("long description changed" in warning for warning in later["warnings"])


def test_a_2026_date_is_priced_with_2026q1(capsys: pytest.CaptureFixture[str]) -> None:
    """asp_payment_limit_2026q1.csv: J9312 $74.765 per 10 mg."""
    result = calc_json(capsys, "J9312", "450 mg", "--multi-dose", "--date", "2026-02-02")
    assert (result["asp_quarter"], result["asp_total"]) == ("2026Q1", "3364.43")
    assert (
        "ASP quarter used: 2026Q1 (2026-01-01 to 2026-03-31), the quarter of the date of service."
        in result["explanation"]
    )
    assert not any("ASP quarter" in warning for warning in result["warnings"])


def test_older_quarter_added_prices_its_own_dates(
    capsys: pytest.CaptureFixture[str], cms_dir: Path
) -> None:
    """After `catalog update` with the July 2025 ASP file, a 2025-08-15 service is priced with
    2025Q3 (J9312 $75.931) and a 2026 service still with 2026Q1 ($74.765)."""
    older = cms_dir / "cms-asp-2025q3" / "asp_payment_limit_2025q3.csv"
    assert main(["catalog", "update", str(older), "--yes"]) == 0
    out, _err = capsys.readouterr()
    assert "added to the price history" in out
    august = calc_json(capsys, "J9312", "450 mg", "--multi-dose", "--date", "2025-08-15")
    assert (august["asp_quarter"], august["asp_total"]) == ("2025Q3", "3416.90")
    assert august["lines"][0]["asp_estimate"] == "3416.90"
    assert any("ASP quarter used: 2025Q3" in text for text in august["explanation"])
    assert not any("ASP quarter" in warning for warning in august["warnings"])
    february = calc_json(capsys, "J9312", "450 mg", "--multi-dose", "--date", "2026-02-02")
    assert (february["asp_quarter"], february["asp_total"]) == ("2026Q1", "3364.43")
    assert main(["catalog", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr()[0])
    assert info["asp_quarter"] == "2026Q1"
    assert [q["quarter"] for q in info["asp_quarters"]] == ["2026Q1", "2025Q3"]


def test_no_quarter_for_the_date_takes_the_nearest_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, "J9312", "450 mg", "--multi-dose", "--date", "2025-05-01")
    assert (result["asp_quarter"], result["asp_total"]) == ("2026Q1", "3364.43")
    assert any(
        "holds no ASP quarter containing the date of service 2025-05-01 (it holds 2026Q1): the "
        "ASP estimate uses the nearest, 2026Q1" in warning
        for warning in result["warnings"]
    )
    after = calc_json(capsys, "J9312", "450 mg", "--multi-dose", "--date", "2026-06-01")
    assert any("is after the catalog's ASP quarter (2026Q1" in w for w in after["warnings"])
