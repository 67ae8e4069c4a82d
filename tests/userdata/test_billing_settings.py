"""The clinic's billing settings: validated, defaulting to the cited values, kept by export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jcalc.calc_options import BillingDefaults
from jcalc.core.billing import Entity340B
from jcalc.userdata.billing_settings import BillingSettingError, defaults_from, validate
from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.transfer import export_clinic_data, import_clinic_data


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ClinicStore]:
    opened = ClinicStore.open(tmp_path / "clinic.sqlite")
    yield opened
    opened.close()


def test_defaults_are_the_cited_ones(store: ClinicStore) -> None:
    """9,999 units per line and modifier 76 (First Coast / Noridian clotting factor pages)."""
    assert store.billing_defaults() == BillingDefaults(9999, "76", False, Entity340B.UNSPECIFIED)


def test_settings_are_validated_and_saved(store: ClinicStore) -> None:
    store.set_billing("340b", "on")
    store.set_billing("340b_entity", "non-exempt")
    store.set_billing("max_units_per_line", "4,000")
    store.set_billing("repeat_modifier", "none")
    store.set_billing("ndc_concentration.44206-0437-10", "10 %")
    assert store.billing_defaults() == BillingDefaults(4000, None, True, Entity340B.NON_EXEMPT)
    assert store.ndc_concentration("44206043710") == "10 %"
    store.set_billing("max_units_per_line", None)
    assert store.billing_defaults().max_units_per_line == 9999
    for key, value in (
        ("max_units_per_line", "0"),
        ("max_units_per_line", "lots"),
        ("repeat_modifier", "59"),
        ("340b", "maybe"),
        ("340b_entity", "hospital"),
        ("ndc_concentration.44206-0437-10", "1e-999999999 mg/mL"),
        ("ndc_concentration.123", "10%"),
        ("colour", "red"),
    ):
        with pytest.raises(BillingSettingError):
            store.set_billing(key, value)
    assert store.billing_defaults().program_340b  # nothing was half-written


def test_unreadable_stored_values_fall_back_to_the_defaults() -> None:
    assert defaults_from({"max_units_per_line": "abc", "340b_entity": "x"}) == BillingDefaults()


def test_export_and_import_keep_the_billing_settings(store: ClinicStore, tmp_path: Path) -> None:
    store.set_billing("340b", "on")
    store.set_billing("ndc_concentration.44206-0437-10", "100 mg/mL")
    path = tmp_path / "clinic.json"
    export_clinic_data(store, path)
    other = ClinicStore.open(tmp_path / "other.sqlite")
    try:
        import_clinic_data(other, path)
        assert other.billing_defaults().program_340b
        assert other.ndc_concentration("44206-0437-10") == "100 mg/mL"
    finally:
        other.close()
    assert validate({}) == {}
