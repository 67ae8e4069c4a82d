"""The columns of each CMS file, known by their header names, and finding the header row."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["hcpcs", "asp", "crosswalk", "mue"]
KINDS: Final[tuple[Kind, ...]] = ("hcpcs", "asp", "crosswalk", "mue")
KIND_NAMES: Final[dict[Kind, str]] = {
    "hcpcs": "the HCPCS Level II file",
    "asp": "the ASP payment limit file",
    "crosswalk": "the ASP NDC-HCPCS crosswalk",
    "mue": "the practitioner MUE table",
}

HEADER_SEARCH_ROWS: Final = 60  # the header row must be among the first rows
_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")


def normalize_header(text: str) -> str:
    """Header cell reduced to lowercase letters and digits: "PKG SIZE" → "pkgsize"."""
    return _NON_ALNUM.sub("", text.lower())


@dataclass(frozen=True)
class Column:
    """A column a reader needs, known by several spellings of its (normalized) header name."""

    label: str  # the name shown in messages, as CMS spells it today
    names: frozenset[str]
    pattern: re.Pattern[str] | None = None
    required: bool = True

    def matches(self, normalized: str) -> bool:
        """Whether a normalized header cell names this column."""
        if normalized in self.names:
            return True
        return self.pattern is not None and self.pattern.fullmatch(normalized) is not None


def _col(label: str, *names: str, pattern: str | None = None, required: bool = True) -> Column:
    return Column(label, frozenset(names), re.compile(pattern) if pattern else None, required)


_CODE_NAMES: Final = (
    "hcpcscode",
    "hcpcs",
    "hcpc",
    "hcpcscd",
    "code",
    "hcpcscptcode",
    "cpthcpcscode",
    "hcpcsorcptcode",
    "hcpcscpt",
    "billingcode",
)
_YEAR_CODE: Final = r"(?:19|20)[0-9]{2}(?:hcpcs)?code"  # "_2026_CODE" → "2026code"
_SHORT_NAMES: Final = ("shortdescription", "shortdesc", "description", "shortdescriptor")
_DOSAGE_NAMES: Final = (
    "hcpcscodedosage",
    "hcpcsdosage",
    "dosage",
    "codedosage",
    "hcpcsdose",
    "dosagedescriptor",
)

ASP_COLUMNS: Final[dict[str, Column]] = {
    "code": _col("HCPCS Code", *_CODE_NAMES, pattern=_YEAR_CODE),
    "short_description": _col("Short Description", *_SHORT_NAMES, required=False),
    "dosage": _col("HCPCS Code Dosage", *_DOSAGE_NAMES),
    "payment_limit": _col(
        "Payment Limit", "paymentlimit", "paymentallowancelimit", "paymentlimitamount"
    ),
    "notes": _col("Notes", "notes", "note", "comments", "comment", required=False),
}

CROSSWALK_COLUMNS: Final[dict[str, Column]] = {
    "code": _col("_YYYY_CODE", *_CODE_NAMES, pattern=_YEAR_CODE),
    "short_description": _col("Short Description", *_SHORT_NAMES, required=False),
    "labeler": _col("LABELER NAME", "labelername", "labeler", "manufacturer", required=False),
    "ndc": _col("NDC2", "ndc2", "ndc", "ndc11", "ndccode", "ndc11digit", "11digitndc"),
    "drug_name": _col("Drug Name", "drugname", "productname", "brandname", required=False),
    "dosage": _col("HCPCS dosage", *_DOSAGE_NAMES),
    "pkg_size": _col("PKG SIZE", "pkgsize", "packagesize"),
    "pkg_qty": _col(
        "PKG QTY", "pkgqty", "packagequantity", "packageqty", "pkgquantity", required=False
    ),
    "bill_units": _col(
        "BILLUNITS",
        "billunits",
        "billableunits",
        "billunit",
        "billunitsperitem",
        "billableunitsperitem",
    ),
    "bill_units_pkg": _col(
        "BILLUNITSPKG",
        "billunitspkg",
        "billableunitspkg",
        "billunitsperpkg",
        "billableunitsperpkg",
        "billunitsperpackage",
        "billableunitsperpackage",
        required=False,
    ),
}

MUE_COLUMNS: Final[dict[str, Column]] = {
    "code": _col("HCPCS/CPT Code", *_CODE_NAMES),
    "value": _col("Practitioner Services MUE Values", "mue", pattern=r"[a-z]*muevalues?"),
    "mai": _col("MUE Adjudication Indicator", "mai", pattern=r"[a-z]*adjudicationindicator"),
    "rationale": _col("MUE Rationale", pattern=r"[a-z]*rationale", required=False),
}

HCPCS_COLUMNS: Final[dict[str, Column]] = {
    "code": _col("HCPC", "hcpc", "hcpcs", "hcpcscode", "code"),
    "recid": _col("RECID", "recid", "recordid", required=False),
    "long_description": _col("LONG DESCRIPTION", "longdescription", "longdesc"),
    # Required: every Level II file has it, and CMS's NOC list in the same zip (HCPCS, LONG
    # DESCRIPTION, ADD DATE, TERM DATE) does not, so that list is never read as the whole file.
    "short_description": _col("SHORT DESCRIPTION", "shortdescription", "shortdesc"),
    "xref1": _col("XREF1", "xref1", required=False),
    "xref2": _col("XREF2", "xref2", required=False),
    "xref3": _col("XREF3", "xref3", required=False),
    "xref4": _col("XREF4", "xref4", required=False),
    "xref5": _col("XREF5", "xref5", required=False),
    "add_date": _col("ADD DT", "adddt", "adddate", "codeaddeddate", required=False),
    "effective_date": _col(
        "ACT EFF DT", "actefft", "acteffdt", "actioneffectivedate", "effdt", required=False
    ),
    "termination_date": _col("TERM DT", "termdt", "termdate", "terminationdate"),
    "action_code": _col("ACTION CD", "actioncd", "actioncode", required=False),
}

COLUMNS: Final[dict[Kind, dict[str, Column]]] = {
    "hcpcs": HCPCS_COLUMNS,
    "asp": ASP_COLUMNS,
    "crosswalk": CROSSWALK_COLUMNS,
    "mue": MUE_COLUMNS,
}

# Columns whose presence together identifies a kind of file (checked in this order).
_SIGNATURES: Final[tuple[tuple[Kind, tuple[str, ...]], ...]] = (
    ("crosswalk", ("ndc", "bill_units")),
    ("mue", ("value", "mai")),
    ("hcpcs", ("long_description", "short_description", "termination_date")),
    ("asp", ("payment_limit", "dosage")),
)


def map_columns(cells: Sequence[str], columns: dict[str, Column]) -> dict[str, int]:
    """Index of each known column in a header row (first matching cell; one column per cell)."""
    normalized = [normalize_header(cell) for cell in cells]
    found: dict[str, int] = {}
    used: set[int] = set()
    for key, column in columns.items():
        for index, name in enumerate(normalized):
            if index not in used and name and column.matches(name):
                found[key] = index
                used.add(index)
                break
    return found


def classify_header(cells: Sequence[str]) -> Kind | None:
    """The kind of file whose identifying columns this row names, or None."""
    if sum(1 for cell in cells if cell.strip()) < 2:
        return None
    for kind, keys in _SIGNATURES:
        found = map_columns(cells, COLUMNS[kind])
        if all(key in found for key in keys) and "code" in found:
            return kind
    return None


def _partial_score(cells: Sequence[str], kind: Kind, *, need_code: bool) -> int:
    """Known columns of ``kind`` a row names; without the code column, one less (or 0)."""
    found = map_columns(cells, COLUMNS[kind])
    if "code" in found:
        return len(found)
    return 0 if need_code else len(found) - 1


@dataclass(frozen=True)
class HeaderGuess:
    """Where a header row was found, for which kind of file, and whether it is complete."""

    index: int
    kind: Kind
    complete: bool


def scan_header(rows: Sequence[Sequence[str]], expected: Kind | None) -> HeaderGuess | None:
    """First row naming a kind's identifying columns; else a likely header of ``expected``.

    Without ``expected``, a row naming the code and two more known columns of some kind counts
    as its header.
    """
    head = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(head):
        kind = classify_header(row)
        if kind is not None:
            return HeaderGuess(index, kind, True)
    candidates: tuple[Kind, ...] = (expected,) if expected is not None else KINDS
    minimum = 2 if expected is not None else 3
    best: HeaderGuess | None = None
    best_score = minimum - 1
    for index, row in enumerate(head):
        for kind in candidates:
            score = _partial_score(row, kind, need_code=expected is None)
            if score > best_score:
                best, best_score = HeaderGuess(index, kind, False), score
        if best is not None:
            break
    return best
