"""The clinic's saved charge and NDC qualifier in ``calculate_from_text`` and ``jcalc calc``.

The window passes the same clinic store to the same function, so both give the same lines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jcalc.catalog.store import Catalog, open_catalog
from jcalc.cli import main
from jcalc.core.containers import ContainerType
from jcalc.core.ndc import NdcQualifier
from jcalc.paths import bundled_catalog_path
from jcalc.service import CalcInput, calculate_from_text
from jcalc.userdata.clinic import ClinicStore

DOS = date(2026, 2, 2)
NDC = "50242-0053-06"
ENTRY = CalcInput(
    code="J9312", dose="450 mg", date_of_service=DOS, ndc=NDC, container=ContainerType.SINGLE_DOSE
)


@pytest.fixture
def catalog() -> Iterator[Catalog]:
    if not bundled_catalog_path().exists():
        pytest.skip("resources/catalog.sqlite is not built")
    with open_catalog() as opened:
        yield opened


@pytest.fixture
def store() -> Iterator[ClinicStore]:
    opened = ClinicStore.open()  # the per-user database, in the test's folder
    yield opened
    opened.close()


def pdf_text(path) -> str | None:
    """The PDF's text through poppler's pdftotext when it is installed, else None."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    return subprocess.run([tool, str(path), "-"], capture_output=True, check=True).stdout.decode()


def calc_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(
        ["calc", "J9312", "450 mg", "--ndc", NDC, "--single-dose", "--date", DOS.isoformat(),
         "--json", *extra]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_no_clinic_data_changes_nothing(catalog: Catalog, store: ClinicStore) -> None:
    plain = calculate_from_text(catalog, ENTRY)
    assert calculate_from_text(catalog, ENTRY, clinic=store) == plain
    assert all(line.charge is None for line in plain.lines)


def test_saved_charge_and_qualifier_apply_when_the_entry_leaves_them_blank(
    catalog: Catalog, store: ClinicStore
) -> None:
    store.set_charge("J9312", "12.50")
    store.set_ndc_qualifier(NDC, "UN")
    result = calculate_from_text(catalog, ENTRY, clinic=store)
    assert [line.charge for line in result.lines] == [Decimal("562.50"), Decimal("62.50")]
    assert {line.ndc_qualifier for line in result.lines} == {NdcQualifier.UN}
    assert "Clinic charge: $12.50 per unit, the charge saved for J9312." in result.explanation
    assert any("qualifier UN" in text and NDC in text for text in result.explanation)


def test_what_the_entry_sets_wins(catalog: Catalog, store: ClinicStore) -> None:
    store.set_charge("J9312", "12.50")
    store.set_ndc_qualifier(NDC, "UN")
    entry = CalcInput(**{**ENTRY.__dict__, "charge_per_unit": Decimal("20"), "qualifier": "ML"})
    result = calculate_from_text(catalog, entry, clinic=store)
    assert result.lines[0].charge == Decimal("900.00")
    assert result.lines[0].ndc_qualifier is NdcQualifier.ML
    assert not any("saved" in text for text in result.explanation)


def test_jcalc_calc_uses_the_clinic_data(capsys, store: ClinicStore) -> None:
    assert all(line["charge"] is None for line in calc_json(capsys)["lines"])
    store.set_charge("J9312", "12.50")
    store.set_ndc_qualifier(NDC, "UN")
    lines = calc_json(capsys)["lines"]
    assert [line["charge"] for line in lines] == ["562.50", "62.50"]
    assert [line["shaded_line"] for line in lines] == [
        "N450242005306   UN0.9",
        "N450242005306   UN0.1",
    ]
    ignored = calc_json(capsys, "--no-clinic-data")["lines"]
    assert [line["charge"] for line in ignored] == [None, None]
    assert ignored[0]["ndc_qualifier"] == "ML"
    overridden = calc_json(capsys, "--qualifier", "ML")["lines"]
    assert overridden[0]["ndc_qualifier"] == "ML" and overridden[0]["charge"] == "562.50"


def test_jcalc_calc_and_the_window_agree(capsys, catalog: Catalog, store: ClinicStore) -> None:
    store.set_charge("J9312", "7.25")
    store.set_ndc_qualifier(NDC, "UN")
    window_result = calculate_from_text(catalog, ENTRY, clinic=store)  # what the window calls
    cli_lines = calc_json(capsys)["lines"]
    assert [line["charge"] for line in cli_lines] == [
        format(line.charge, "f") for line in window_result.lines
    ]
    assert [line["shaded_line"] for line in cli_lines] == [
        line.shaded_line for line in window_result.lines
    ]


def test_an_unreadable_clinic_database_is_a_warning(capsys, store: ClinicStore) -> None:
    store.close()
    for leftover in store.database.path.parent.glob("clinic.sqlite*"):
        leftover.unlink()
    store.database.path.write_bytes(b"this is no database" * 100)
    code = main(["calc", "J1100", "10 mg", "--date", DOS.isoformat()])
    out, err = capsys.readouterr()
    assert code == 0  # still works, without the clinic's data
    assert "10 units" in out
    assert err.startswith("warning: the clinic's data is not used:")


def test_pdf_carries_the_clinic_name(qapp, capsys, store: ClinicStore, tmp_path) -> None:
    store.set_clinic_name("Riverside Infusion Clinic")
    out = tmp_path / "calc.pdf"
    code = main(["calc", "J1100", "10 mg", "--date", DOS.isoformat(), "--pdf", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_text(out)
    if text is not None:
        assert "Riverside Infusion Clinic" in text
