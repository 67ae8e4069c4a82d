"""The administration codes remembered per drug travel with the clinic's data (issue 10: "the
clinic's remembered … administration codes per drug are filled in on pick" on every PC)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.transfer import TransferError, export_clinic_data, import_clinic_data


@pytest.fixture
def store() -> Iterator[ClinicStore]:
    opened = ClinicStore.open()
    yield opened
    opened.close()


def test_remembered_administration_codes_round_trip(store: ClinicStore, tmp_path: Path) -> None:
    store.set_administration_codes("J9312", "96413,96415 x2")
    store.set_administration_codes("J2405", "96374")
    out = tmp_path / "export.json"
    export_clinic_data(store, out)
    content = json.loads(out.read_text(encoding="utf-8"))
    assert content["settings"]["administration_codes"] == {
        "J2405": "96374",
        "J9312": "96413, 96415 x2",
    }
    second = ClinicStore.open(tmp_path / "second.sqlite")
    try:
        second.set_administration_codes("J1885", "96372")  # replaced: not in the file
        import_clinic_data(second, out)
        assert second.administration_codes("J9312") == "96413, 96415 x2"
        assert second.administration_codes("J1885") == ""
        second.set_administration_codes("J1885", "96372")
        import_clinic_data(second, out, merge=True)  # merged: kept
        assert second.administration_codes("J1885") == "96372"
        assert second.snapshot().settings.administration["J2405"] == "96374"
    finally:
        second.close()


def test_an_older_file_without_them_imports(store: ClinicStore, tmp_path: Path) -> None:
    out = tmp_path / "old.json"
    export_clinic_data(store, out)
    content = json.loads(out.read_text(encoding="utf-8"))
    del content["settings"]["administration_codes"]
    out.write_text(json.dumps(content), encoding="utf-8")
    import_clinic_data(store, out)
    assert store.snapshot().settings.administration == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"J9312": "9641"}, "administration codes of J9312"),
        ({"J93": "96413"}, "'J93' is not a HCPCS"),
        (["96413"], "not texts by HCPCS code"),
    ],
)
def test_a_bad_entry_is_named_and_nothing_changes(
    store: ClinicStore, tmp_path: Path, value: object, message: str
) -> None:
    store.set_administration_codes("J9312", "96413")
    out = tmp_path / "bad.json"
    export_clinic_data(store, out)
    content = json.loads(out.read_text(encoding="utf-8"))
    content["settings"]["administration_codes"] = value
    out.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(TransferError, match=message):
        import_clinic_data(store, out)
    assert store.administration_codes("J9312") == "96413"
