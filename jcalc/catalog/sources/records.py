"""What the readers of the CMS files return: typed records, one dataclass per file kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jcalc.catalog.sources.rows import SkipReport


def _no_report() -> SkipReport:
    return SkipReport(kind="", source_name="")


@dataclass(frozen=True)
class HcpcsRecord:
    """One code of the HCPCS Level II file (long descriptions already joined)."""

    code: str
    long_description: str
    short_description: str
    add_date: date | None
    effective_date: date | None
    termination_date: date | None
    action_code: str
    xrefs: tuple[str, ...] = ()


@dataclass(frozen=True)
class HcpcsFile:
    """The HCPCS Level II annual/quarterly file."""

    source_name: str  # file name as given (the zip's name when a zip was read)
    release: str  # e.g. "2026-01" from "HCPC2026_JAN_ANWEB..." ; "" when unknown
    records: list[HcpcsRecord]
    noc_codes: frozenset[str] = field(default_factory=frozenset)  # from the zip's NOC list
    modifiers: tuple[ModifierRecord, ...] = ()  # the two-character rows (JW, JZ, TB ...)
    report: SkipReport = field(default_factory=_no_report, compare=False)


@dataclass(frozen=True)
class ModifierRecord:
    """One modifier of the HCPCS Level II file (RECID 7, continued by RECID 8)."""

    code: str  # two characters: "JW", "TB", "76"
    long_description: str
    short_description: str
    add_date: date | None
    effective_date: date | None
    termination_date: date | None
    action_code: str


@dataclass(frozen=True)
class AspRecord:
    """One row of the ASP payment limit file."""

    code: str
    short_description: str  # "" for numeric (CPT) codes
    dosage: str  # the free-text "HCPCS Code Dosage"
    payment_limit: Decimal | None  # None for "N/A"
    notes: str


@dataclass(frozen=True)
class AspFile:
    """The quarterly ASP payment limit file."""

    source_name: str
    effective_from: date
    effective_to: date
    records: list[AspRecord]
    report: SkipReport = field(default_factory=_no_report, compare=False)

    @property
    def quarter(self) -> str:
        """ "2026Q1" style label of the quarter the file is effective in."""
        return f"{self.effective_from.year}Q{(self.effective_from.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class CrosswalkRecord:
    """One row of the ASP NDC-HCPCS crosswalk."""

    code: str
    short_description: str  # "" for numeric (CPT) codes
    labeler: str
    ndc: str  # 11 digits, no hyphens; the product identifier as published when not is_ndc
    drug_name: str
    hcpcs_dosage: str
    pkg_size: Decimal | None
    pkg_qty: Decimal | None
    bill_units: Decimal | None
    bill_units_pkg: Decimal | None
    is_ndc: bool = True  # False: an alternate product identifier (skin substitutes' "GG100")


@dataclass(frozen=True)
class CrosswalkFile:
    """The quarterly ASP NDC-HCPCS crosswalk."""

    source_name: str
    effective_from: date
    effective_to: date
    records: Sequence[CrosswalkRecord]  # a RecordSpool (on disk) for very large files
    report: SkipReport = field(default_factory=_no_report, compare=False)


@dataclass(frozen=True)
class MueRecord:
    """One Level II row of the practitioner MUE table."""

    code: str
    value: int
    mai: int
    rationale: str


@dataclass(frozen=True)
class MueFile:
    """The practitioner services MUE table (Level II rows only)."""

    source_name: str
    quarter: str  # e.g. "2026Q2" read from the file name or its title lines; "" when unknown
    records: list[MueRecord]
    report: SkipReport = field(default_factory=_no_report, compare=False)
