"""What a search returns: results, the search error, and the per-code facts it ranks by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple

from jcalc.core.descriptor import descriptor_label
from jcalc.core.drug import DrugCode
from jcalc.core.errors import JcalcError

STATUS_ACTIVE: Final = "active"
STATUS_TERMINATED: Final = "terminated"
STATUS_NOT_YET: Final = "not yet effective"


class SearchError(JcalcError):
    """The catalog cannot be searched (no search index, or the file cannot be read)."""


@dataclass(frozen=True)
class SearchResult:
    """One code found by a search, with what matched and how well."""

    hcpcs: str
    name: str
    descriptor: str  # short label of the billing unit: "10 mg", "up to 50 mg", "per vial", "?"
    status: str  # "active", "terminated" or "not yet effective" on the search day
    matched: str  # "code", "ndc", "name", "brand", "labeler", "alias: Narcan", "similar: …"
    brand: str
    ndc: str | None  # 11 digits when an NDC matched
    score: int  # higher is better; the list is in descending score order

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict of every field."""
        return {
            "hcpcs": self.hcpcs,
            "name": self.name,
            "descriptor": self.descriptor,
            "status": self.status,
            "matched": self.matched,
            "brand": self.brand,
            "ndc": self.ndc,
            "score": self.score,
        }


def result_for_code(drug: DrugCode, *, day: date, matched: str, score: int = 0) -> SearchResult:
    """A result row for a code found another way (the clinic's favourites and recent codes)."""
    return SearchResult(
        hcpcs=drug.hcpcs,
        name=drug.name,
        descriptor=descriptor_label(drug.descriptor),
        status=drug.status_on(day),
        matched=matched,
        brand="",
        ndc=None,
        score=score,
    )


class CodeInfo(NamedTuple):
    """The per-code facts a search ranks by, read once per connection."""

    hcpcs: str
    name: str
    effective: str
    terminated: str
    brand: str
    popularity: int
    sort_key: str  # zero-padded description length: shorter first among equal scores

    def status_on(self, day: str) -> str:
        if self.terminated and day > self.terminated:
            return STATUS_TERMINATED
        if self.effective and day < self.effective:
            return STATUS_NOT_YET
        return STATUS_ACTIVE


# A match of one code, before the day's status is added: (tier, points, secondary tie-break,
# matched, brand or None, ndc or None, word posting or None: described only when shown).
Hit = tuple[int, int, str, str, str | None, str | None, "Posting | None"]
# The best match of one query word in one code: (penalty × 1000 + field rank × 10 + alias order,
# field, the indexed word matched (a prefix when the penalty is the prefix one), the word a typo
# matched or "", the brand or alias label when already known or "").
Posting = tuple[int, str, str, str, str]
# A brand or alias of a code: (field, alias order, label, its folded words).
Label = tuple[str, int, str, tuple[str, ...]]
