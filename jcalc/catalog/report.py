"""Quality report of a catalog: how well the dosage descriptors of the active J codes parse.

Lists every active J code whose descriptor cannot be read (the biller is asked for the units),
every active code whose HCPCS long description and ASP dosage give different billing arithmetic,
and the combination products whose descriptor took one strength of several.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from jcalc.catalog.extract import extract_report
from jcalc.catalog.schema import ACTIVE_CONDITION, J_CONDITION
from jcalc.catalog.sources.opening import KINDS
from jcalc.catalog.sources.rows import SkipReport
from jcalc.catalog.store import Catalog, descriptor_from_columns
from jcalc.core.descriptor import (
    Descriptor,
    DescriptorKind,
    descriptor_label,
    descriptors_agree,
    parse_descriptor,
)

PARSE_RATE_TARGET: Final = Decimal("0.98")

_DESCRIPTOR_COLUMNS: Final = (
    "hcpcs, long_description, descriptor_kind, descriptor_amount, descriptor_unit, "
    "descriptor_text, descriptor_note, asp_dosage"
)


@dataclass(frozen=True)
class UnparsedCode:
    """An active J code whose descriptor jcalc cannot read."""

    hcpcs: str
    long_description: str
    reason: str


@dataclass(frozen=True)
class Disagreement:
    """A code whose HCPCS long descriptor and ASP dosage do not bill the same way."""

    hcpcs: str
    long_description: str
    asp_dosage: str
    hcpcs_reading: str  # descriptor_label of the long description ("10 mg", "?")
    asp_reading: str  # descriptor_label of the ASP dosage

    @property
    def one_side_unreadable(self) -> bool:
        """True when either text could not be read at all (rather than read differently)."""
        return "?" in (self.hcpcs_reading, self.asp_reading)


@dataclass(frozen=True)
class CombinationNote:
    """A code whose descriptor names several strengths; the note says which one bills."""

    hcpcs: str
    long_description: str
    note: str


@dataclass(frozen=True)
class CatalogReport:
    """Descriptor parse figures for the active J codes, with every exception listed."""

    active_j_codes: int
    numeric: int  # kind != unparsed
    per_amount: int  # per-amount or up-to
    per_vial: int
    per_dose: int
    unparsed: list[UnparsedCode] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    combination_notes: list[CombinationNote] = field(default_factory=list)
    skip_reports: list[SkipReport] = field(default_factory=list)  # rows of each CMS file

    @property
    def parse_rate(self) -> Decimal:
        """Readable share of the active J codes, 0 to 1 (4 places)."""
        if not self.active_j_codes:
            return Decimal(0)
        return (Decimal(self.numeric) / Decimal(self.active_j_codes)).quantize(Decimal("0.0001"))

    @property
    def meets_target(self) -> bool:
        """True when at least 98 % of the active J codes parse."""
        return self.parse_rate >= PARSE_RATE_TARGET

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the parse rate as a number, the lists as objects)."""
        return {
            "active_j_codes": self.active_j_codes,
            "numeric": self.numeric,
            "per_amount": self.per_amount,
            "per_vial": self.per_vial,
            "per_dose": self.per_dose,
            "unparsed_count": len(self.unparsed),
            "parse_rate": float(self.parse_rate),
            "target": float(PARSE_RATE_TARGET),
            "meets_target": self.meets_target,
            "unparsed": [vars(item) for item in self.unparsed],
            "disagreements": [vars(item) for item in self.disagreements],
            "combination_notes": [vars(item) for item in self.combination_notes],
            "source_rows": [
                {
                    "kind": item.kind,
                    "source": item.source_name,
                    "rows_read": item.rows_read,
                    "imported": item.imported,
                    "set_aside": dict(item.set_aside),
                    "skipped_count": len(item.skipped),
                    "skipped_by_reason": item.counts,
                    "skipped": [vars(row) for row in item.skipped],
                }
                for item in self.skip_reports
            ],
        }


def _stored_descriptor(row: tuple[object, ...]) -> Descriptor:
    kind, amount, unit, text, note = (
        value if isinstance(value, str) else None for value in row[2:7]
    )
    return descriptor_from_columns(kind or "", amount, unit, text or "", note or "")


def build_report(catalog: Catalog) -> CatalogReport:
    """Parse figures and exception lists of a catalog, and the rows its CMS files skipped."""
    connection = catalog.connection
    active_j = connection.execute(
        f"SELECT {_DESCRIPTOR_COLUMNS} FROM codes WHERE {J_CONDITION} AND {ACTIVE_CONDITION} "
        "ORDER BY hcpcs"
    ).fetchall()
    kinds = dict.fromkeys(DescriptorKind, 0)
    unparsed: list[UnparsedCode] = []
    for row in active_j:
        descriptor = _stored_descriptor(row)
        kinds[descriptor.kind] += 1
        if not descriptor.is_numeric:
            unparsed.append(UnparsedCode(str(row[0]), str(row[1] or ""), descriptor.note))

    disagreements: list[Disagreement] = []
    combinations: list[CombinationNote] = []
    compared = connection.execute(
        f"SELECT {_DESCRIPTOR_COLUMNS} FROM codes WHERE level2 = 1 AND {ACTIVE_CONDITION} "
        "AND long_description != '' ORDER BY hcpcs"
    ).fetchall()
    for row in compared:
        descriptor = _stored_descriptor(row)
        code, long_description, asp_dosage = str(row[0]), str(row[1]), row[7]
        if descriptor.note.startswith("combination product"):
            combinations.append(CombinationNote(code, long_description, descriptor.note))
        if not isinstance(asp_dosage, str) or not asp_dosage.strip():
            continue
        asp_descriptor = parse_descriptor(asp_dosage)
        if not descriptors_agree(descriptor, asp_descriptor):
            disagreements.append(
                Disagreement(
                    code,
                    long_description,
                    asp_dosage,
                    descriptor_label(descriptor),
                    descriptor_label(asp_descriptor),
                )
            )
    return CatalogReport(
        active_j_codes=len(active_j),
        numeric=len(active_j) - kinds[DescriptorKind.UNPARSED],
        per_amount=kinds[DescriptorKind.PER_AMOUNT] + kinds[DescriptorKind.UP_TO],
        per_vial=kinds[DescriptorKind.PER_VIAL],
        per_dose=kinds[DescriptorKind.PER_DOSE],
        unparsed=unparsed,
        disagreements=disagreements,
        combination_notes=combinations,
        skip_reports=[report for kind in KINDS if (report := extract_report(catalog, kind)).kind],
    )
