"""Issue 9's billing rules through `jcalc calc --json` and the clinic's saved settings.

Each worked example is the payer's own (the sources are quoted in tests/core): the same engine
serves the window, which calls the same service function.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from jcalc.cli import main

DOS = "2026-02-02"  # inside the catalog's ASP quarter


def run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["calc", *args, "--json"] + ([] if "--date" in args else ["--date", DOS]))
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def lines(result: dict[str, Any]) -> list[tuple[int, list[str], str | None]]:
    return [(line["units"], line["modifiers"], line["ndc_quantity"]) for line in result["lines"]]


def test_noridian_j7182_22000_iu(capsys) -> None:
    """Noridian JF "Hemophilia Clotting Factor Billing": 9,999 / 9,999 (76) / 2,002 (76)."""
    result = run(capsys, "J7182", "22000 IU", "--multi-dose")
    assert [(u, m) for u, m, _ in lines(result)] == [(9999, []), (9999, ["76"]), (2002, ["76"])]
    assert result["rules"]["max_units_per_line"] == 9999
    limited = run(capsys, "J7182", "22000 IU", "--multi-dose", "--max-units-per-line", "999")
    assert len(limited["lines"]) == 23 and limited["lines"][1]["modifiers"] == ["76"]
    plain = run(capsys, "J7182", "22000 IU", "--multi-dose", "--repeat-modifier", "none")
    assert all(line["modifiers"] == [] for line in plain["lines"])


def test_340b_on_every_line_jw_included(capsys) -> None:
    """340B: TB on every line of the drug from 2025 (JG ended 2024-12-31)."""
    result = run(capsys, "J9312", "450 mg", "--ndc", "50242-0053-06", "--single-dose", "--340b")
    assert [(u, m) for u, m, _ in lines(result)] == [(45, ["TB"]), (5, ["JW", "TB"])]
    before = run(
        capsys,
        "J9312",
        "450 mg",
        "--multi-dose",
        "--340b",
        "--340b-entity",
        "non-exempt",
        "--date",
        "2024-06-01",
    )
    assert before["lines"][0]["modifiers"] == ["JG"]


def test_rituximab_600_mg_auto_is_500_plus_100_jz_one_line_per_ndc(capsys) -> None:
    result = run(capsys, "J9312", "600 mg", "--ndc", "50242-0053-06", "--package", "auto")
    assert [(line["ndc"], line["units"], line["modifiers"]) for line in result["lines"]] == [
        ("50242005306", 50, ["JZ"]),
        ("50242005121", 10, ["JZ"]),
    ]
    named = run(
        capsys, "J9312", "600 mg", "--package", "50242-0053-06", "--package", "50242-0051-21"
    )
    assert lines(named) == lines(result)


def test_weight_and_bsa_orders(capsys) -> None:
    per_kg = run(capsys, "J9312", "5 mg/kg", "--weight", "154 lb", "--multi-dose")
    assert per_kg["units"] == 35  # 5 × 69.85 kg = 349.25 mg
    assert any("69.85 kg" in step for step in per_kg["dose_steps"])
    per_m2 = run(
        capsys, "J9312", "375 mg/m²", "--height", "170 cm", "--weight", "70", "--multi-dose"
    )
    assert any("Mosteller" in step for step in per_m2["dose_steps"])
    assert per_m2["dose"] == {"amount": "682.5", "unit": "mg"}  # BSA 1.8181 → 1.82 m²


def test_gel_area_and_shared_vial_examples(capsys) -> None:
    ameluz = run(capsys, "J7345", "2 g", "--ndc", "70621-0101-10", "--single-dose")
    assert lines(ameluz) == [(200, ["JZ"], "2")]
    assert ameluz["lines"][0]["ndc_qualifier"] == "GR"
    patch = run(capsys, "J7336", "200 sq cm", "--ndc", "72512-0928-01", "--single-dose")
    assert [(u, m) for u, m, _ in lines(patch)] == [(200, []), (80, ["JW"])]
    botox = run(
        capsys, "J0585", "40 units", "--package", "100 units", "--given-to-others", "40 units"
    )
    assert [(u, m) for u, m, _ in lines(botox)] == [(40, []), (20, ["JW"])]


def test_unlisted_ndc_two_vials_un2_and_percent_concentration(capsys) -> None:
    unlisted = run(capsys, "J9312", "1000 mg", "--ndc", "12345-6789-01", "--package", "2x500 mg")
    assert (
        unlisted["lines"][0]["ndc_qualifier"] == "UN"
        and unlisted["lines"][0]["ndc_quantity"] == "2"
    )
    privigen = run(capsys, "J1459", "100 g", "--ndc", "44206-0437-10", "--concentration", "10%")
    assert privigen["lines"][0]["ndc_quantity"] == "1000"


def test_a_concentration_saved_per_ndc_wins_over_the_derived_one(capsys) -> None:
    """Privigen 44206-0437-10, 10 g/100 mL: ML1000 for 100 g, not ML1100 from PKG SIZE 110."""
    assert main(["clinic", "set-concentration", "44206-0437-10", "100 mg/mL"]) == 0
    capsys.readouterr()
    result = run(capsys, "J1459", "100 g", "--ndc", "44206-0437-10")
    assert result["lines"][0]["ndc_quantity"] == "1000"
    assert any("saved for NDC 44206-0437-10" in s for s in result["explanation"])
    ignored = run(capsys, "J1459", "100 g", "--ndc", "44206-0437-10", "--no-clinic-data")
    assert ignored["lines"][0]["ndc_quantity"] == "1100"


def test_clinic_billing_settings_apply_to_every_calculation(capsys) -> None:
    for args in (
        ["set-340b", "on", "--entity", "exempt"],
        ["set-units-per-line", "999"],
        ["set-repeat-modifier", "none"],
    ):
        assert main(["clinic", *args]) == 0
    capsys.readouterr()
    result = run(capsys, "J7182", "2000 IU", "--multi-dose", "--date", "2024-06-01")
    assert [(u, m) for u, m, _ in lines(result)] == [(999, ["TB"]), (999, ["TB"]), (2, ["TB"])]
    off = run(
        capsys, "J7182", "2000 IU", "--multi-dose", "--no-340b", "--max-units-per-line", "9999"
    )
    assert [(u, m) for u, m, _ in lines(off)] == [(2000, [])]
    assert main(["clinic", "billing"]) == 0
    assert "340B: on (entity type: exempt)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["J9312", "5 mg/kg", "--weight", "0"], "not possible for a patient"),
        (["J9312", "5 mg/kg", "--weight", "900 kg"], "not possible for a patient"),
        (["J9312", "375 mg/m2", "--bsa", "12"], "not possible for a patient"),
        (["J9312", "600 mg", "--package", "auto"], "needs --ndc"),
        (["J9312", "700 mg", "--package", "50242-0053-06"], "less than the dose"),
        (["J9312", "700 mg", "--package", "500 mg", "--package", "50242-0051-21"], "or none"),
        (["J9312", "1e-999999999 mg"], "exponent out of range"),
        (["J9312", "1e-999999999999999999 mg"], "exponent out of range"),
        (["J9312", "1e-30 mg"], "implausibly small"),
        (["J9312", "450 mg", "--concentration", "1e-999999999 mg/mL"], "exponent"),
        (["J9312", "450 mg\n\x1b[2J"], "\\u001b"),
        (["J9312", "450 mg", "--340b", "--date", "2024-06-01"], "entity type"),
        (["J9312", "40 mg", "--given-to-others", "20 mg"], "single-dose"),
        (["J9312", "450 mg", "--max-units-per-line", "10000"], "between 1 and 9,999"),
    ],
)
def test_new_inputs_get_one_error_line_and_exit_2(capsys, args: list[str], fragment: str) -> None:
    started = time.perf_counter()
    code = main(["calc", *args] + ([] if "--date" in args else ["--date", DOS]))
    out, err = capsys.readouterr()
    assert time.perf_counter() - started < 5
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert fragment in err


def test_the_hcpcs_files_modifier_dates_reach_the_engine(capsys, monkeypatch) -> None:
    """The catalog's `modifier_valid_on` (the HCPCS file's modifier dates) decides: a JG the file
    ends is refused; a confirmed TB is said to be valid."""
    from jcalc.catalog.store import Catalog

    def valid_on(self: Catalog, code: str, day: object) -> bool | None:
        return {"JG": False, "TB": True}.get(code)

    monkeypatch.setattr(Catalog, "modifier_valid_on", valid_on)
    result = run(capsys, "J9312", "450 mg", "--multi-dose", "--340b")
    assert any(
        "valid on the date of service per the HCPCS file" in s for s in result["explanation"]
    )
    code = main(
        ["calc", "J9312", "450 mg", "--340b", "--340b-entity", "non-exempt", "--date", "2024-06-01"]
    )
    assert code == 2 and "JG is not valid on 2024-06-01" in capsys.readouterr().err


def test_noridian_jz_infliximab_four_full_vials(capsys) -> None:
    """Noridian JF Part B "Modifier JZ" claim coding example: a 400 mg dose of infliximab from
    four 100 mg single-dose vials, priced per 10 mg: J1745-JZ × 40, no JW line."""
    result = run(capsys, "J1745", "400 mg", "--single-dose", "--package", "4x100 mg")
    assert [(u, m) for u, m, _ in lines(result)] == [(40, ["JZ"])]
    assert not any("JW" in step for step in result["explanation"])


def test_noridian_no_jw_when_the_waste_is_within_the_billed_unit(capsys) -> None:
    """Noridian JD "Modifier JZ": a 100 mg single-use vial, 1 UOS = 100 mg, 70 mg given and
    30 mg discarded: one line of 1 UOS with JZ; billing the 30 mg as JW would be an
    overpayment."""
    result = run(capsys, "J0278", "70 mg", "--single-dose", "--package", "100 mg")
    assert [(u, m) for u, m, _ in lines(result)] == [(1, ["JZ"])]
    [price] = [step for step in result["explanation"] if step.startswith("ASP estimate")]
    assert "× 1 unit = " in price and "JW units included" not in price
