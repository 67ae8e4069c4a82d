"""The clinic's data as immutable values: per-code settings, clinic settings, snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from jcalc.core.containers import ContainerType
from jcalc.core.ndc import NdcQualifier
from jcalc.userdata.clinic_values import (
    OPTION_GRAYSCALE,
    OPTION_PAGE_SIZE,
    PAGE_SIZES,
    ClinicDataError,
    parse_charge,
    parse_code,
    parse_container,
    parse_ndc,
    parse_note,
)


@dataclass(frozen=True)
class CodeSettings:
    """What the clinic set for one code."""

    code: str
    charge_per_unit: Decimal | None = None
    default_ndc: str | None = None  # 11 digits
    container_type: ContainerType | None = None
    favourite: bool = False
    note: str = ""
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing is set (the row can go)."""
        return (
            self.charge_per_unit is None
            and self.default_ndc is None
            and self.container_type is None
            and not self.favourite
            and not self.note
        )

    def validated(self) -> CodeSettings:
        """The same settings with every field checked and normalized (raises ClinicDataError)."""
        return replace(
            self,
            code=parse_code(self.code),
            charge_per_unit=parse_charge(self.charge_per_unit),
            default_ndc=parse_ndc(self.default_ndc),
            container_type=parse_container(self.container_type),
            favourite=bool(self.favourite),
            note=parse_note(self.note),
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the charge as exact decimal text)."""
        return {
            "code": self.code,
            "charge_per_unit": None
            if self.charge_per_unit is None
            else format(self.charge_per_unit, "f"),
            "default_ndc": self.default_ndc,
            "container_type": self.container_type.value if self.container_type else None,
            "favourite": self.favourite,
            "note": self.note,
        }


@dataclass(frozen=True)
class ClinicSettings:
    """Clinic-wide settings."""

    clinic_name: str = ""
    patient_field: bool = False  # store a patient name with logged summaries
    printing: Mapping[str, str] = field(default_factory=dict)
    billing: Mapping[str, str] = field(default_factory=dict)  # see userdata.billing_settings
    administration: Mapping[str, str] = field(default_factory=dict)  # code → "96413, 96415 x2"

    @property
    def page_size(self) -> str:
        """The paper size to print on: one of PAGE_SIZES (Letter when unset or unknown)."""
        value = self.printing.get(OPTION_PAGE_SIZE, "")
        return value if value in PAGE_SIZES else PAGE_SIZES[0]

    @property
    def grayscale(self) -> bool:
        """Whether to print in grayscale."""
        return self.printing.get(OPTION_GRAYSCALE, "0") == "1"

    def with_print_options(self, *, page_size: str, grayscale: bool) -> ClinicSettings:
        """A copy with the page size and grayscale options set."""
        if page_size not in PAGE_SIZES:
            raise ClinicDataError(f"'{page_size}' is not a paper size: use {', '.join(PAGE_SIZES)}")
        printing = {
            **self.printing,
            OPTION_PAGE_SIZE: page_size,
            OPTION_GRAYSCALE: "1" if grayscale else "0",
        }
        return replace(self, printing=printing)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "clinic_name": self.clinic_name,
            "patient_field": self.patient_field,
            "printing": dict(self.printing),
            "billing": dict(self.billing),
            "administration_codes": dict(self.administration),
        }


@dataclass(frozen=True)
class ClinicData:
    """A snapshot of the clinic's data (what the catalog diff and the export need)."""

    codes: Mapping[str, CodeSettings] = field(default_factory=dict)
    ndc_qualifiers: Mapping[str, NdcQualifier] = field(default_factory=dict)
    settings: ClinicSettings = field(default_factory=ClinicSettings)

    @property
    def favourite_codes(self) -> frozenset[str]:
        """Codes marked as favourites."""
        return frozenset(code for code, item in self.codes.items() if item.favourite)

    @property
    def priced_codes(self) -> frozenset[str]:
        """Codes with a clinic charge."""
        return frozenset(
            code for code, item in self.codes.items() if item.charge_per_unit is not None
        )

    @property
    def default_ndcs(self) -> Mapping[str, str]:
        """Default NDC by code."""
        return {code: item.default_ndc for code, item in self.codes.items() if item.default_ndc}


@dataclass(frozen=True)
class Orphan:
    """A code with clinic data that the catalog in use does not have."""

    settings: CodeSettings
    reason: str

    @property
    def code(self) -> str:
        """The code."""
        return self.settings.code
