"""Clinic data per code and NDC, clinic settings, favourites, recent codes, orphans."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.store import open_catalog
from jcalc.core.containers import ContainerType
from jcalc.core.ndc import NdcQualifier
from jcalc.userdata.clinic import (
    ClinicDataError,
    ClinicStore,
    CodeSettings,
    parse_charge,
    parse_code,
    parse_container,
    parse_ndc,
    parse_qualifier,
)


@pytest.fixture
def store() -> Iterator[ClinicStore]:
    opened = ClinicStore.open()
    yield opened
    opened.close()


def test_per_code_settings(store: ClinicStore) -> None:
    store.set_charge("j9312", "$1,234.50")
    store.set_default_ndc("J9312", "50242-053-06")  # 5-3-2 is padded to 11 digits
    store.set_container_type("J9312", "single-dose")
    store.set_favourite("J9312")
    item = store.set_note("J9312", "  weigh the patient first ")
    assert item == CodeSettings(
        "J9312", Decimal("1234.50"), "50242005306", ContainerType.SINGLE_DOSE, True,
        "weigh the patient first",
    )  # fmt: skip
    saved = store.code_settings("J9312")
    assert saved == item and saved is not None and saved.updated_at is not None
    raw = store.database.query("SELECT charge_per_unit FROM code_settings")
    assert raw == [("1234.50",)]  # money kept as exact decimal text


def test_clearing_everything_deletes_the_row(store: ClinicStore) -> None:
    store.set_charge("J1100", "0.50")
    store.set_charge("J1100", None)
    assert store.code_settings("J1100") is None
    store.set_favourite("J1100")
    store.set_favourite("J1100", False)
    assert store.all_code_settings() == []


def test_favourites_and_recent_codes(store: ClinicStore) -> None:
    for code in ("J9312", "J1100", "J0585"):
        store.set_favourite(code)
    store.record_use("J2312", datetime(2026, 4, 1, 9, 0))
    store.record_use("J1100", datetime(2026, 4, 1, 9, 5))
    store.record_use("J2312", datetime(2026, 4, 1, 9, 10))
    assert store.recent_codes() == ["J2312", "J1100"]
    assert store.recent_codes(limit=1) == ["J2312"]
    assert store.favourites() == ["J1100", "J0585", "J9312"]  # used first, then by code
    assert store.preferred_codes() == ["J1100", "J0585", "J9312", "J2312"]
    assert store.preferred_codes(limit=2) == ["J1100", "J0585"]
    uses = store.database.query("SELECT uses FROM recent_codes WHERE code = 'J2312'")
    assert uses == [(2,)]


def test_ndc_qualifiers(store: ClinicStore) -> None:
    assert store.ndc_qualifier("50242-0053-06") is None
    store.set_ndc_qualifier("50242-0053-06", "ml")
    assert store.ndc_qualifier("50242005306") is NdcQualifier.ML
    store.set_ndc_qualifier("50242005306", NdcQualifier.UN)
    assert store.ndc_qualifiers() == {"50242005306": NdcQualifier.UN}
    store.set_ndc_qualifier("50242005306", None)
    assert store.ndc_qualifiers() == {}


def test_clinic_settings(store: ClinicStore) -> None:
    settings = store.settings()
    assert (settings.clinic_name, settings.patient_field, dict(settings.printing)) == (
        "",
        False,
        {},
    )
    store.set_clinic_name("  Main   Street  Infusion ")
    store.set_patient_field(True)
    store.set_printing_option("Page_Size", "A4")
    store.set_printing_option("copies", "2")
    store.set_printing_option("copies", None)
    settings = store.settings()
    assert settings.clinic_name == "Main Street Infusion"
    assert settings.patient_field
    assert dict(settings.printing) == {"page_size": "A4"}


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda s: s.set_charge("J9312", "-1"), "negative"),
        (lambda s: s.set_charge("J9312", "ten dollars"), "not an amount"),
        (lambda s: s.set_charge("J9312", "1.23456"), "more than 4 decimals"),
        (lambda s: s.set_charge("J9312", "NaN"), "not an amount"),
        (lambda s: s.set_charge("J9312", "2000000"), "more than"),
        (lambda s: s.set_charge("9312", "1"), "not a HCPCS code"),
        (lambda s: s.set_favourite("J93121"), "not a HCPCS code"),
        (lambda s: s.set_default_ndc("J9312", "5024200530"), "could be"),  # ambiguous 10 digits
        (lambda s: s.set_default_ndc("J9312", "50242-0053"), "NDC"),
        (lambda s: s.set_ndc_qualifier("50242-0053-06", "KG"), "UN, ML, GR, F2, ME"),
        (lambda s: s.set_container_type("J9312", "vial"), "single-dose or multi-dose"),
        (lambda s: s.set_note("J9312", "x" * 2001), "longer than"),
        (lambda s: s.set_printing_option("bad key!", "1"), "printing option"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(
    store: ClinicStore, action: object, message: str
) -> None:
    with pytest.raises(ClinicDataError, match=message):
        action(store)  # type: ignore[operator]
    assert store.all_code_settings() == []
    assert store.ndc_qualifiers() == {}


def test_parsers() -> None:
    assert parse_code(" 96413 ") == "96413"
    assert parse_charge(Decimal("0")) == Decimal("0")
    assert parse_charge("") is None
    assert parse_ndc("") is None
    assert parse_qualifier("f2") is NdcQualifier.F2
    assert parse_container("Multi dose") is ContainerType.MULTI_DOSE
    assert parse_container(ContainerType.UNKNOWN) is None
    with pytest.raises(ClinicDataError, match="not a float"):
        parse_charge(1.5)  # type: ignore[arg-type]


def test_orphans_keep_their_data(store: ClinicStore, tmp_path: Path) -> None:
    store.set_charge("J9312", "10")
    store.set_favourite("J0000")  # a code no catalog has
    store.set_charge("96413", "150")  # an administration code number: not in the catalog
    with open_catalog(None) as catalog:
        orphans = store.orphans(catalog)
    assert [orphan.code for orphan in orphans] == ["96413", "J0000"]
    assert "not in the catalog in use" in orphans[0].reason
    assert store.code_settings("J0000") is not None  # kept


def test_snapshot_feeds_the_diff(store: ClinicStore) -> None:
    store.set_charge("J9312", "10")
    store.set_default_ndc("J9312", "50242-0053-06")
    store.set_favourite("J1100")
    data = store.snapshot()
    assert data.favourite_codes == frozenset({"J1100"})
    assert data.priced_codes == frozenset({"J9312"})
    assert dict(data.default_ndcs) == {"J9312": "50242005306"}


def test_administration_codes_remembered_per_code(store: ClinicStore) -> None:
    """CPT code numbers only (never descriptors), normalized; a bad entry changes nothing."""
    assert store.administration_codes("J9312") == ""
    store.set_administration_codes("j9312", "96413,96415 x2")
    assert store.administration_codes("J9312") == "96413, 96415 x2"
    with pytest.raises(ClinicDataError, match="five digits"):
        store.set_administration_codes("J9312", "infusion")
    assert store.administration_codes("J9312") == "96413, 96415 x2"
    store.set_administration_codes("J9312", None)
    assert store.administration_codes("J9312") == ""
    assert store.settings().clinic_name == ""  # kept apart from the clinic's settings
