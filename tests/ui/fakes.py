"""A small in-memory stand-in for :class:`jcalc.catalog.store.Catalog` and its search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jcalc.catalog.search import SearchResult
from jcalc.catalog.store import AspQuarter, QuarterPrice, SummaryQuarter
from jcalc.core.descriptor import descriptor_label
from jcalc.core.drug import DrugCode, MueLimit, NdcProduct
from tests.core.factories import (
    DEXAMETHASONE,
    RITUXAN_100,
    RITUXAN_500,
    UNCLASSIFIED,
    drug,
)

RITUXIMAB = drug(
    "J9312", "Injection, rituximab, 10 mg", payment_limit="74.765", mue=MueLimit(150, 3)
)
OLD_RITUXIMAB = drug(
    "J9310", "Injection, rituximab, 100 mg", terminated=date(2018, 12, 31), xrefs=("J9312",)
)
CODES = {d.hcpcs: d for d in (RITUXIMAB, OLD_RITUXIMAB, DEXAMETHASONE, UNCLASSIFIED)}
PRODUCTS = (RITUXAN_100, RITUXAN_500)


@dataclass(frozen=True)
class FakeInfo:
    path: Path = Path("fake.sqlite")
    asp_quarter: str = "2026Q1"
    asp_effective_from: date | None = date(2026, 1, 1)
    asp_effective_to: date | None = date(2026, 3, 31)
    hcpcs_release: str = "2026-01"
    mue_quarter: str = "2026Q2"


class FakeCatalog:
    """The catalog methods the window and the service use, over a few hand-made records."""

    connection = None

    def __init__(self) -> None:
        self.closed = False
        self.searches: list[str] = []

    def code(self, hcpcs: str) -> DrugCode | None:
        return CODES.get(hcpcs.strip().upper())

    def ndcs_for_code(self, hcpcs: str) -> list[NdcProduct]:
        return [p for p in PRODUCTS if p.hcpcs == hcpcs.strip().upper()]

    def ndc(self, ndc11: str) -> list[NdcProduct]:
        digits = ndc11.replace("-", "")
        return [p for p in PRODUCTS if p.ndc == digits]

    def info(self) -> FakeInfo:
        return FakeInfo()

    def asp_quarters(self) -> tuple[AspQuarter, ...]:
        """One quarter, the catalog's own (like a catalog updated once)."""
        return (AspQuarter("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),)

    def price_on(self, hcpcs: str, day: date) -> QuarterPrice:
        quarter = self.asp_quarters()[0]
        found = self.code(hcpcs)
        limit, dosage = (found.payment_limit, found.asp_dosage) if found else (None, None)
        return QuarterPrice(quarter, limit, dosage, quarter.contains(day))

    def summary_quarter(self, day: date) -> SummaryQuarter:
        info = FakeInfo()
        return {
            "catalog_quarter": info.asp_quarter,
            "catalog_effective_from": info.asp_effective_from,
            "catalog_effective_to": info.asp_effective_to,
        }

    def modifier_valid_on(self, code: str, day: object) -> bool | None:
        return None

    def close(self) -> None:
        self.closed = True

    def search(self, query: str) -> list[SearchResult]:
        """Codes whose code or long description contains the query (case-insensitive)."""
        self.searches.append(query)
        text = query.strip().lower()
        hits = [
            d
            for d in CODES.values()
            if text and (text in d.hcpcs.lower() or text in d.long_description.lower())
        ]
        hits.sort(key=lambda d: (d.terminated is not None, d.hcpcs))
        return [
            SearchResult(
                hcpcs=d.hcpcs,
                name=d.name,
                descriptor=descriptor_label(d.descriptor),
                status="terminated" if d.terminated else "active",
                matched="code" if text in d.hcpcs.lower() else "name",
                brand="Rituxan" if d.hcpcs == "J9312" else "",
                ndc=None,
                score=100 - index,
            )
            for index, d in enumerate(hits)
        ]
