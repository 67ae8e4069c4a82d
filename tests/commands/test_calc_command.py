"""`jcalc calc` against the bundled catalog: the DOMAIN.md examples and every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from jcalc.cli import main

DOS = "2026-02-02"  # inside the catalog's ASP quarter


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["calc", *args, "--date", DOS, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("code", "dose", "units"),
    [
        ("J1100", "30 mg", 30),
        ("J9312", "700 mg", 70),
        ("J9312", "701.25 mg", 71),
        ("J9312", "450mg", 45),
        ("j9312", "450 mg", 45),
        ("J1885", "10 mg", 1),
        ("J2312", "0.4 mg", 40),
        ("J0585", "75 units", 75),
        ("J2312", "0.14 mg", 14),
    ],
)
def test_domain_unit_examples(capsys, code: str, dose: str, units: int) -> None:
    result = calc_json(capsys, code, dose, "--multi-dose")
    assert result["code"] == code.upper()
    assert [line["units"] for line in result["lines"]] == [units]
    assert [line["modifiers"] for line in result["lines"]] == [[]]
    assert result["explanation"]


def test_json_contract_fields(capsys) -> None:
    result = calc_json(capsys, "J9312", "450 mg", "--ndc", "50242-0053-06", "--single-dose")
    assert result["descriptor"] == {
        "text": "10 mg",
        "kind": "per-amount",
        "amount": "10",
        "unit": "mg",
    }
    assert result["dose"] == {"amount": "450", "unit": "mg"}
    admin, jw = result["lines"]
    assert admin == admin | {
        "hcpcs": "J9312",
        "modifiers": [],
        "units": 45,
        "ndc": "50242005306",
        "ndc_qualifier": "ML",
        "ndc_quantity": "45",
        "shaded_line": "N450242005306   ML45",
    }
    assert jw == jw | {
        "hcpcs": "J9312",
        "modifiers": ["JW"],
        "units": 5,
        "ndc_quantity": "5",
        "shaded_line": "N450242005306   ML5",
    }
    for line in (admin, jw):
        assert isinstance(line["units"], int)
        assert line["asp_estimate"] is not None and line["asp_estimate"].count(".") == 1
        assert len(line["asp_estimate"].split(".")[1]) == 2
    assert isinstance(result["warnings"], list)
    assert isinstance(result["explanation"], list)


def test_450_mg_from_one_500_mg_vial_is_45_plus_5_jw(capsys) -> None:
    result = calc_json(capsys, "J9312", "450 mg", "--package", "500 mg")
    assert [(line["units"], line["modifiers"]) for line in result["lines"]] == [
        (45, []),
        (5, ["JW"]),
    ]


def test_70_mg_from_100_mg_vial_under_100_mg_code_is_1_unit_jz(capsys) -> None:
    result = calc_json(capsys, "J2185", "70 mg", "--package", "100 mg")  # meropenem, 100 mg
    assert [(line["units"], line["modifiers"]) for line in result["lines"]] == [(1, ["JZ"])]


def test_full_500_mg_vial_gives_ml50(capsys) -> None:
    result = calc_json(capsys, "J9312", "500 mg", "--ndc", "50242005306", "--single-dose")
    assert [
        (line["units"], line["modifiers"], line["shaded_line"]) for line in result["lines"]
    ] == [(50, ["JZ"], "N450242005306   ML50")]


def test_dose_in_ml_uses_the_ndc_concentration(capsys) -> None:
    result = calc_json(capsys, "J9312", "45 mL", "--ndc", "50242-0053-06", "--multi-dose")
    assert result["lines"][0]["units"] == 45


def test_no_container_option_warns_jw_jz_undetermined(capsys) -> None:
    result = calc_json(capsys, "J1100", "4 mg")
    assert result["lines"][0]["modifiers"] == []
    assert any("JW/JZ could not be determined" in w for w in result["warnings"])


def test_noc_code_with_units_needs_a_note(capsys) -> None:
    result = calc_json(capsys, "J3490", "10 mg", "--units", "1", "--multi-dose")
    assert result["lines"][0]["units"] == 1
    assert any("not-otherwise-classified" in w for w in result["warnings"])


def test_text_output_shows_the_arithmetic(capsys) -> None:
    assert main(["calc", "J9312", "450 mg", "--package", "500 mg", "--date", DOS]) == 0
    out = capsys.readouterr().out
    assert "45 units" in out and "JW" in out and "÷" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["J0000", "1 mg"], "not in the catalog"),
        (["X12", "1 mg"], "not a HCPCS Level II code"),
        (["J9312", "lots"], "not an amount"),
        (["J9312", "0 mg"], "zero"),
        (["J9312", "-450 mg"], "negative"),
        (["J9312", "nan mg"], "not an amount"),
        (["J9312", "inf mg"], "not an amount"),
        (["J9312", "450"], "no unit"),
        (["J9312", "9999999 g"], "implausibly large"),
        (["J9312", "45 mL"], "concentration"),
        (["J9312", "75 units"], "do not convert"),
        (["J9312", "450 mg", "--package", "400 mg"], "less than the dose"),
        (["J1100", "4 mg", "--ndc", "50242-0053-06"], "not an NDC of J1100"),
        (["J9312", "450 mg", "--ndc", "50242-53-06"], "NDC"),
        (["J9312", "450 mg", "--package", "500 mg", "--multi-dose"], "single-dose"),
        (["J3490", "10 mg"], "cannot be read"),
        # the 2026Q1 crosswalk's 12-digit identifier of J7331: a product, never an NDC
        (["J7331", "1 mg", "--ndc", "888867413689"], "product identifier of SynoJoynt (J7331)"),
        (["J9312", "450 mg", "--concentration", "ten"], "concentration"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(capsys, args: list[str], fragment: str) -> None:
    code = main(["calc", *args, "--date", DOS])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert fragment in lines[0]


def test_terminated_code_names_dates(capsys) -> None:
    code = main(["calc", "J9312", "450 mg", "--date", "2000-01-01"])
    err = capsys.readouterr().err
    assert code == 2 and "not valid on 2000-01-01" in err


def test_bad_date_is_a_usage_error_without_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "jcalc", "calc", "J9312", "450 mg", "--date", "2026-02-30"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "not a date" in run.stderr


def test_error_from_a_real_process_has_no_traceback() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "jcalc", "calc", "J9312", "0 mg"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
