"""``jcalc clinic …``: set, show, export, import; bad values give one ``error:`` line."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from jcalc.commands import clinic as clinic_command
from jcalc.userdata import open_user_data
from jcalc.userdata.clinic import ClinicStore, CodeSettings

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str | Path) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="jcalc")
        clinic_command.register(parser.add_subparsers())
        namespace = parser.parse_args([str(arg) for arg in args])
        code = namespace.handler(namespace)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def saved_codes() -> list[CodeSettings]:
    store = ClinicStore.open()
    try:
        return store.all_code_settings()
    finally:
        store.close()


def one_error_line(err: str, *expected: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err


def test_set_and_show(run: Run) -> None:
    assert run("clinic", "set-charge", "j9312", "12.50")[:2] == (
        0, "saved: J9312  charge $12.50/unit\n",
    )  # fmt: skip
    assert run("clinic", "set-ndc", "J9312", "50242-0053-06")[0] == 0
    assert run("clinic", "set-container", "J9312", "single-dose")[0] == 0
    assert run("clinic", "favourite", "J9312")[0] == 0
    assert run("clinic", "note", "J9312", "weigh first")[0] == 0
    assert run("clinic", "set-qualifier", "50242-0053-06", "ml")[0] == 0
    assert run("clinic", "set-name", "Main Street Infusion")[0] == 0
    assert run("clinic", "patient-field", "on")[0] == 0
    code, out, err = run("clinic", "show", "J9312")
    assert (code, err) == (0, "")
    assert out == (
        "J9312  favourite  charge $12.50/unit  NDC 50242-0053-06  single-dose  note: weigh first\n"
    )
    code, out, _err = run("clinic", "show")
    assert "clinic: Main Street Infusion" in out and "patient field: on" in out
    assert "50242-0053-06  ML" in out
    code, out, _err = run("clinic", "show", "--json")
    data = json.loads(out)
    assert data["codes"][0]["charge_per_unit"] == "12.50"
    assert data["ndc_qualifiers"] == {"50242005306": "ML"}
    assert run("clinic", "favourite", "J9312", "--remove")[0] == 0
    assert run("clinic", "set-charge", "J9312", "none")[0] == 0
    (item,) = saved_codes()
    assert item.charge_per_unit is None and not item.favourite


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("set-charge", "J9312", "-5"), "negative"),
        (("set-charge", "X1", "5"), "not a HCPCS code"),
        (("set-ndc", "J9312", "5024200530"), "could be"),
        (("set-qualifier", "50242-0053-06", "KG"), "UN, ML, GR, F2, ME"),
    ],
)
def test_bad_values(run: Run, args: tuple[str, ...], expected: str) -> None:
    code, _out, err = run("clinic", *args)
    assert code == 2
    one_error_line(err, expected)
    assert saved_codes() == []


def test_orphans(run: Run) -> None:
    assert run("clinic", "orphans")[1] == "every code with clinic data is in the catalog in use\n"
    run("clinic", "favourite", "J0000")
    code, out, _err = run("clinic", "orphans")
    assert code == 0 and "J0000  favourite" in out


def test_export_import_round_trip(run: Run, tmp_path: Path) -> None:
    run("clinic", "set-charge", "J9312", "12.50")
    run("clinic", "favourite", "J1100")
    out_file = tmp_path / "clinic.json"
    code, out, _err = run("clinic", "export", out_file)
    assert code == 0 and "2 codes (1 favourites, 1 with a charge)" in out
    run("clinic", "set-charge", "J1885", "3")
    code, out, _err = run("clinic", "import", out_file)
    assert code == 0 and out.startswith("imported 2 codes")
    assert [i.code for i in saved_codes()] == ["J1100", "J9312"]
    run("clinic", "set-charge", "J1885", "3")
    assert run("clinic", "import", out_file, "--merge")[1].startswith("merged")
    assert len(saved_codes()) == 3


def test_import_bad_file_changes_nothing(run: Run, tmp_path: Path) -> None:
    run("clinic", "set-charge", "J9312", "12.50")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "jcalc-clinic-data", "version": 1, "codes": [{"code": "?"}]}')
    code, _out, err = run("clinic", "import", bad)
    assert code == 2
    one_error_line(err, "bad.json", "nothing was imported", "'?' is not a HCPCS code")
    assert [i.code for i in saved_codes()] == ["J9312"]
    code, _out, err = run("clinic", "import", tmp_path / "none.json")
    one_error_line(err, "file not found")


def test_damaged_database_gives_one_line(run: Run) -> None:
    from jcalc.userdata.database import database_path

    database_path().write_bytes(b"garbage" * 1000)
    code, _out, err = run("clinic", "show")
    assert code == 2
    one_error_line(err, "not a jcalc clinic database")


def _log_a_named_summary() -> int:
    from tests.userdata.test_history import rituximab_summary

    clinic, log = open_user_data()
    try:
        clinic.set_patient_field(True)
        return log.log(rituximab_summary(), patient_name="Jane Roe")
    finally:
        clinic.close()


def _patient_name(log_id: int) -> str | None:
    clinic, log = open_user_data()
    try:
        return log.get(log_id).patient_name
    finally:
        clinic.close()


def test_patient_field_off_erases_logged_names_with_yes(run: Run) -> None:
    """README: "a patient name only while the clinic's patient field is on — turning it off
    erases the stored names"."""
    log_id = _log_a_named_summary()
    code, out, err = run("clinic", "patient-field", "off", "--yes")
    assert (code, err) == (0, "")
    assert out == "patient field: off\nerased 1 logged patient name\n"
    assert _patient_name(log_id) is None


def test_patient_field_off_without_a_terminal_needs_yes(run: Run, monkeypatch) -> None:
    log_id = _log_a_named_summary()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a terminal: never read
    code, out, err = run("clinic", "patient-field", "off")
    assert (code, out) == (2, "")
    one_error_line(err, "erases 1 logged patient name; add --yes to confirm")
    assert _patient_name(log_id) == "Jane Roe"
    assert "patient field: on" in run("clinic", "show")[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "erased"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_patient_field_off_asks_on_a_terminal(run: Run, monkeypatch, answer, erased) -> None:
    log_id = _log_a_named_summary()
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    code, _out, err = run("clinic", "patient-field", "off")
    assert "erase 1 logged patient name? [y/N]" in err
    assert code == (0 if erased else 2)
    assert _patient_name(log_id) == (None if erased else "Jane Roe")
