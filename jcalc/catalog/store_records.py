"""What the catalog store hands out besides codes: its error, ASP quarters, prices, provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from jcalc.core.errors import JcalcError


class SummaryQuarter(TypedDict):
    """The ASP quarter a printed summary names (keyword arguments of the summary)."""

    catalog_quarter: str
    catalog_effective_from: date | None
    catalog_effective_to: date | None


class CatalogError(JcalcError):
    """The catalog file is missing, unreadable, of another schema version, or cannot be built."""


@dataclass(frozen=True)
class AspQuarter:
    """One ASP quarter a catalog holds: its label, effective dates and source file."""

    quarter: str  # "2025Q3"
    effective_from: date
    effective_to: date
    source: str = ""
    rows: int = 0

    def contains(self, day: date) -> bool:
        """True when ``day`` falls within the quarter's effective dates."""
        return self.effective_from <= day <= self.effective_to

    def distance(self, day: date) -> int:
        """Days from ``day`` to the nearest day of the quarter (0 inside it)."""
        if day < self.effective_from:
            return (self.effective_from - day).days
        if day > self.effective_to:
            return (day - self.effective_to).days
        return 0

    def describe(self) -> str:
        """ "2025Q3 (2025-07-01 to 2025-09-30)"."""
        return (
            f"{self.quarter} ({self.effective_from.isoformat()} to {self.effective_to.isoformat()})"
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; dates as ISO text."""
        return {
            "quarter": self.quarter,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat(),
            "source": self.source,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class QuarterPrice:
    """The ASP payment limit of a code in the quarter chosen for a date of service."""

    quarter: AspQuarter
    payment_limit: Decimal | None  # None: no limit published for the code that quarter
    dosage: str | None  # the quarter's "HCPCS Code Dosage"; None when the code is not listed
    exact: bool  # False when no quarter held contains the day and the nearest one was taken


@dataclass(frozen=True)
class CatalogInfo:
    """Provenance and size of a catalog: which CMS files, which quarter, how many rows."""

    path: Path
    schema_version: int
    built_at: datetime | None
    hcpcs_release: str
    asp_quarter: str
    asp_effective_from: date | None
    asp_effective_to: date | None
    crosswalk_effective_from: date | None
    crosswalk_effective_to: date | None
    mue_quarter: str
    sources: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    asp_quarters: tuple[AspQuarter, ...] = ()  # every ASP quarter held, newest first

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; dates as ISO text."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "path": str(self.path),
            "schema_version": self.schema_version,
            "built_at": iso(self.built_at),
            "hcpcs_release": self.hcpcs_release,
            "asp_quarter": self.asp_quarter,
            "asp_effective_from": iso(self.asp_effective_from),
            "asp_effective_to": iso(self.asp_effective_to),
            "crosswalk_effective_from": iso(self.crosswalk_effective_from),
            "crosswalk_effective_to": iso(self.crosswalk_effective_to),
            "mue_quarter": self.mue_quarter,
            "sources": dict(self.sources),
            "counts": dict(self.counts),
            "asp_quarters": [quarter.to_json() for quarter in self.asp_quarters],
        }
