"""Schema of the catalog database (one SQLite file, read-only once built).

Tables
------
``meta(key, value)``
    schema_version, built_at (ISO, UTC), hcpcs_release, hcpcs_source, asp_source, asp_quarter
    (e.g. ``2026Q1``), asp_effective_from / asp_effective_to (ISO dates), crosswalk_source,
    crosswalk_effective_from / crosswalk_effective_to, mue_source, mue_quarter, alias_count.
    Source values are file names only, never paths. ``PRAGMA user_version`` repeats the
    schema version so a reader can refuse a catalog before looking at any table.
``codes``
    One row per HCPCS code kept (every J code, plus every code in the ASP file or the crosswalk).
    Decimals are stored as text so they round-trip exactly; dates as ISO text or NULL. Numeric
    (CPT) codes keep no description text (``level2`` = 0). The descriptor columns are read from
    the long description, or from the ASP dosage for a code the HCPCS file does not list.
    ``asp_dosage`` is the ASP file's "HCPCS Code Dosage" (the crosswalk's "HCPCS dosage" for a
    code only in the crosswalk); NULL columns mean "not in that source".
``ndcs``
    One row per (NDC, HCPCS) pair of the ASP NDC-HCPCS crosswalk; ``ndc`` is 11 digits.
``aliases``
    Project-written names billers search by (brand, abbreviation, use) pointing at a code.
``modifiers`` (schema 2)
    The two-character modifier rows of the HCPCS file (JW, JZ, JG, TB, KP ...) with ADD DT,
    ACT EFF DT, TERM DT and ACTION CD, so a modifier can be checked on the date of service.
``asp_quarters`` and ``asp_prices`` (schema 2)
    Every ASP quarter the catalog was given (label, effective dates, source file) and the payment
    limits of each; the newest quarter is also the one in ``codes.asp_payment_limit`` and
    ``meta.asp_quarter``. Older quarters price dates of service that fall in them.
The search index is created by :mod:`jcalc.catalog.search_index`: ``search`` (one row per code:
its folded words per field and rank data) with its FTS5 index ``search_fts``, and B-tree lookup
tables for brand and alias labels, typo trigrams and whole brand or alias phrases.
"""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = 2
# Catalogs of these older versions are still read: version 1 lacks the modifiers and the ASP
# history (one quarter, the codes' own prices).
READABLE_VERSIONS: Final = frozenset({1, 2})

META_TABLE: Final = "meta"
CODES_TABLE: Final = "codes"
NDCS_TABLE: Final = "ndcs"
ALIASES_TABLE: Final = "aliases"
REQUIRED_TABLES: Final = (META_TABLE, CODES_TABLE, NDCS_TABLE, ALIASES_TABLE)

META_COLUMNS: Final[dict[str, type]] = {"key": str, "value": str}
META_KEYS: Final = (
    "schema_version",
    "built_at",
    "hcpcs_release",
    "hcpcs_source",
    "asp_source",
    "asp_quarter",
    "asp_effective_from",
    "asp_effective_to",
    "crosswalk_source",
    "crosswalk_effective_from",
    "crosswalk_effective_to",
    "mue_source",
    "mue_quarter",
    "alias_count",
)

CODES_COLUMNS: Final[dict[str, type]] = {
    "hcpcs": str,
    "level2": int,  # 1 for a Level II code, 0 for a numeric (CPT) code, which keeps no text
    "name": str,  # display name derived from the long description ("rituximab")
    "long_description": str,
    "short_description": str,
    "add_date": str,
    "effective_date": str,
    "termination_date": str,
    "action_code": str,
    "xrefs": str,  # space-separated replacement / related codes from the HCPCS file
    "descriptor_text": str,
    "descriptor_kind": str,  # DescriptorKind.value
    "descriptor_amount": str,  # Decimal as text, NULL when unparsed
    "descriptor_unit": str,  # Unit.name, NULL when unparsed
    "descriptor_note": str,
    "asp_dosage": str,
    "asp_payment_limit": str,  # Decimal as text
    "asp_notes": str,
    "mue_value": int,
    "mue_mai": int,
    "mue_rationale": str,
    "is_noc": int,
}
CODES_PK: Final = "hcpcs"
CODES_NOT_NULL: Final = frozenset(
    {"hcpcs", "level2", "name", "long_description", "short_description", "xrefs",
     "descriptor_text", "descriptor_kind", "descriptor_note", "is_noc"}
)  # fmt: skip

NDCS_COLUMNS: Final[dict[str, type]] = {
    "ndc": str,
    "hcpcs": str,
    "labeler": str,
    "drug_name": str,
    "hcpcs_dosage": str,
    "pkg_size": str,
    "pkg_qty": str,
    "bill_units": str,
    "bill_units_pkg": str,
}
NDCS_PK: Final = ("ndc", "hcpcs")
NDCS_NOT_NULL: Final = frozenset({"ndc", "hcpcs", "labeler", "drug_name", "hcpcs_dosage"})
NDCS_INDEXES: Final = (("hcpcs",), ("ndc",))

ALIASES_COLUMNS: Final[dict[str, type]] = {
    "alias": str,
    "kind": str,  # brand | abbreviation | use
    "hcpcs": str,
}
ALIASES_PK: Final = ("alias", "kind", "hcpcs")

MODIFIERS_TABLE: Final = "modifiers"
MODIFIERS_COLUMNS: Final[dict[str, type]] = {
    "code": str,
    "long_description": str,
    "short_description": str,
    "add_date": str,
    "effective_date": str,
    "termination_date": str,
    "action_code": str,
}
MODIFIERS_PK: Final = "code"

ASP_QUARTERS_TABLE: Final = "asp_quarters"
ASP_QUARTERS_COLUMNS: Final[dict[str, type]] = {
    "quarter": str,  # "2025Q3"
    "effective_from": str,  # ISO date
    "effective_to": str,
    "source": str,  # file name only
    "rows": int,
}
ASP_QUARTERS_PK: Final = "quarter"

ASP_PRICES_TABLE: Final = "asp_prices"
ASP_PRICES_COLUMNS: Final[dict[str, type]] = {
    "hcpcs": str,
    "quarter": str,
    "effective_from": str,
    "effective_to": str,
    "payment_limit": str,  # Decimal as text, NULL for "N/A"
    "dosage": str,
    "short_description": str,
    "notes": str,
}
ASP_PRICES_PK: Final = ("hcpcs", "quarter")
# Tables a catalog of the current version has besides REQUIRED_TABLES.
DATED_TABLES: Final = (MODIFIERS_TABLE, ASP_QUARTERS_TABLE, ASP_PRICES_TABLE)
DATED_TABLE_COLUMNS: Final[dict[str, dict[str, type]]] = {
    MODIFIERS_TABLE: MODIFIERS_COLUMNS,
    ASP_QUARTERS_TABLE: ASP_QUARTERS_COLUMNS,
    ASP_PRICES_TABLE: ASP_PRICES_COLUMNS,
}

# Products of the crosswalk whose identifier is not an NDC (skin substitutes' "GG100",
# "51120-61052", 6, 12 or 14 digits): searchable and shown, never billed as an NDC. Kept apart
# from ``ndcs`` so every reader of ``ndcs`` sees real NDCs only. Absent in older catalogs.
PRODUCTS_TABLE: Final = "alternate_products"
PRODUCTS_COLUMNS: Final[dict[str, type]] = {
    "identifier": str,  # as published, upper case, blanks removed
    "hcpcs": str,
    "labeler": str,
    "drug_name": str,
    "hcpcs_dosage": str,
    "pkg_size": str,
    "pkg_qty": str,
    "bill_units": str,
    "bill_units_pkg": str,
}
PRODUCTS_PK: Final = ("identifier", "hcpcs")

# What the build did with the rows of each CMS file (absent in older catalogs).
SOURCE_ROWS_TABLE: Final = "source_rows"
SOURCE_ROWS_COLUMNS: Final[dict[str, type]] = {
    "kind": str,  # hcpcs | asp | crosswalk | mue
    "source": str,  # file name
    "rows_read": int,
    "imported": int,
    "skipped": int,
    "set_aside": str,  # JSON object: why → count (modifier rows, CPT rows, note rows)
}
SKIPPED_ROWS_TABLE: Final = "skipped_rows"
SKIPPED_ROWS_COLUMNS: Final[dict[str, type]] = {
    "kind": str,
    "source": str,
    "row": int,  # 1-based row (line of the fixed-width text)
    "reason": str,
    "detail": str,
}

# A code is active in the catalog's quarter when it has no termination date or ends on or
# after the first day of the ASP quarter the catalog was built for.
ACTIVE_CONDITION: Final = (
    "(termination_date IS NULL OR termination_date >= "
    "COALESCE((SELECT value FROM meta WHERE key = 'asp_effective_from'), '9999-12-31'))"
)
J_CONDITION: Final = "hcpcs GLOB 'J[0-9][0-9][0-9][0-9]'"

# Named counts shown by ``catalog info`` and the build summary.
COUNT_QUERIES: Final[dict[str, str]] = {
    "codes": "SELECT COUNT(*) FROM codes",
    "j_codes": f"SELECT COUNT(*) FROM codes WHERE {J_CONDITION}",
    "active_j_codes": f"SELECT COUNT(*) FROM codes WHERE {J_CONDITION} AND {ACTIVE_CONDITION}",
    "priced_codes": "SELECT COUNT(*) FROM codes WHERE asp_payment_limit IS NOT NULL",
    "noc_codes": "SELECT COUNT(*) FROM codes WHERE is_noc = 1",
    "q_codes": "SELECT COUNT(*) FROM codes WHERE hcpcs GLOB 'Q[0-9][0-9][0-9][0-9]'",
    "radiopharmaceutical_codes": "SELECT COUNT(*) FROM codes WHERE hcpcs GLOB 'A9[56][0-9][0-9]'",
    "ndcs": "SELECT COUNT(*) FROM ndcs",
    "mue_rows": "SELECT COUNT(*) FROM codes WHERE mue_value IS NOT NULL",
    "aliases": "SELECT COUNT(*) FROM aliases",
}
