"""Export and import of the clinic data: round trip, merge, bad files change nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jcalc.userdata import transfer
from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.transfer import (
    FORMAT_NAME,
    TransferError,
    export_clinic_data,
    import_clinic_data,
    read_clinic_data,
)


@pytest.fixture
def store() -> Iterator[ClinicStore]:
    opened = ClinicStore.open()
    yield opened
    opened.close()


def fill(store: ClinicStore) -> None:
    store.set_charge("J9312", "12.5")
    store.set_default_ndc("J9312", "50242-0053-06")
    store.set_container_type("J9312", "single-dose")
    store.set_favourite("J9312")
    store.set_note("J9312", "Ask: weight? «kg» ✓")
    store.set_charge("96413", "250.00")
    store.set_favourite("J0000")  # an orphan travels too
    store.set_ndc_qualifier("50242-0053-06", "ML")
    store.set_ndc_qualifier("00409-1782-69", "UN")
    store.set_clinic_name("Main Street Infusion")
    store.set_patient_field(True)
    store.set_printing_option("page_size", "A4")
    store.record_use("J1100")


def test_round_trip_to_a_second_pc(store: ClinicStore, tmp_path: Path) -> None:
    fill(store)
    out = tmp_path / "clinic-export.json"
    summary = export_clinic_data(store, out)
    assert (summary.codes, summary.favourites, summary.priced, summary.ndcs) == (3, 2, 2, 2)
    content = json.loads(out.read_text(encoding="utf-8"))
    assert content["format"] == FORMAT_NAME and content["version"] == 1
    assert content["codes"][0]["charge_per_unit"] == "250.00"

    second = ClinicStore.open(tmp_path / "second-pc.sqlite")
    try:
        second.set_charge("J1885", "3")  # replaced by the import
        imported = import_clinic_data(second, out)
        assert imported.codes == 3
        assert second.snapshot() == store.snapshot()
        assert second.recent_codes() == []  # habits of a PC do not travel
        export_clinic_data(second, tmp_path / "again.json")
        again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
        content.pop("exported_at")
        again.pop("exported_at")
        assert again == content
    finally:
        second.close()


def test_merge_adds_and_updates(store: ClinicStore, tmp_path: Path) -> None:
    fill(store)
    out = tmp_path / "export.json"
    export_clinic_data(store, out)
    other = ClinicStore.open(tmp_path / "other.sqlite")
    try:
        other.set_charge("J1885", "3")
        other.set_charge("J9312", "99")
        import_clinic_data(other, out, merge=True)
        assert other.code_settings("J1885") is not None  # kept
        merged = other.code_settings("J9312")
        assert merged is not None and str(merged.charge_per_unit) == "12.5"
    finally:
        other.close()


def write(path: Path, content: Any) -> Path:
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def valid() -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "settings": {"clinic_name": "X", "patient_field": False, "printing": {}},
        "codes": [{"code": "J9312", "charge_per_unit": "1.00", "favourite": True}],
        "ndc_qualifiers": [{"ndc": "50242-0053-06", "qualifier": "ML"}],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(format="other"), "not a jcalc clinic data file"),
        (lambda c: c.update(version=9), "newer jcalc"),
        (lambda c: c.pop("version"), "no format version"),
        (lambda c: c["codes"].append({"code": "J93"}), "code entry 2: 'J93' is not a HCPCS"),
        (lambda c: c["codes"].append({"code": "J1100", "charge_per_unit": "-2"}), "negative"),
        (lambda c: c["codes"].append({"code": "J1100", "default_ndc": "1234"}), "NDC"),
        (lambda c: c["codes"].append({"code": "J9312"}), "repeats the code"),
        (lambda c: c["codes"].append({"code": "J1100", "favourite": "yes"}), "wrong type"),
        (lambda c: c["ndc_qualifiers"].append({"ndc": "50242-0053-07", "qualifier": "KG"}), "KG"),
        (lambda c: c["settings"].update(patient_field="on"), "true or false"),
        (lambda c: c.update(codes={}), "'codes' is not a list"),
    ],
)
def test_a_bad_file_changes_nothing(
    store: ClinicStore, tmp_path: Path, change: Any, message: str
) -> None:
    fill(store)
    before = store.snapshot()
    content = valid()
    change(content)
    path = write(tmp_path / "bad.json", content)
    with pytest.raises(TransferError, match=message) as caught:
        import_clinic_data(store, path)
    assert str(caught.value).startswith("bad.json: ")
    assert store.snapshot() == before


def test_every_problem_is_listed(tmp_path: Path) -> None:
    content = valid()
    content["codes"] = [{"code": f"BAD{n}"} for n in range(8)]
    with pytest.raises(TransferError, match="8 problem") as caught:
        read_clinic_data(write(tmp_path / "many.json", content))
    assert len(caught.value.problems) == 8
    assert "and 3 more" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"{broken", "not readable JSON"), (b"\xff\xfe\x00", "not readable JSON"), (b"[]", "no JSON")],
)
def test_unreadable_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "file.json"
    path.write_bytes(data)
    with pytest.raises(TransferError, match=message):
        read_clinic_data(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="file not found"):
        read_clinic_data(tmp_path / "nope.json")
    with pytest.raises(TransferError, match="is a folder"):
        read_clinic_data(tmp_path)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "jcalc-clinic-data", "version": 1, "codes": [{"code": "J9312", '
            '"charge_per_unit": ' + "9" * 5000 + "}]}",
            "holds a number no real setting has",
        ),
        ('{"format": "jcalc-clinic-data", "version": NaN}', "NaN/Infinity"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"format": "jcalc-clinic-data", "version": 1, "settings": {"printing": '
            + '{"a": ' * 50
            + "1"
            + "}" * 50
            + "}}",
            "nested more than 8 levels",
        ),
    ],
    ids=["5000-digit number", "NaN", "100000-deep", "50-deep"],
)
def test_hostile_json_is_refused_with_one_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TransferError, match=message):
        read_clinic_data(_file(tmp_path, text))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="POSIX devices")
def test_devices_and_fifos_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(TransferError, match="not a regular file"):
            read_clinic_data(path)


def test_an_oversized_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 100)
    with pytest.raises(TransferError, match="too large"):
        read_clinic_data(_file(tmp_path, " " * 101))


def test_export_never_follows_a_planted_temp_symlink(store: ClinicStore, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / ".export.json.tmp").symlink_to(victim)
    export_clinic_data(store, tmp_path / "export.json")
    assert victim.read_text(encoding="utf-8") == "keep"
    assert json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))["format"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="POSIX devices")
def test_export_to_a_full_disk_says_so(store: ClinicStore) -> None:
    with pytest.raises(TransferError, match="No space left on device"):
        export_clinic_data(store, Path("/dev/full"))
