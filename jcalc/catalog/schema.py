"""Schema of the catalog database (one SQLite file, read-only once built).

Tables
------
``meta(key, value)``
    schema_version, built_at (ISO), hcpcs_release, hcpcs_source, asp_source, asp_quarter
    (e.g. ``2026Q1``), asp_effective_from / asp_effective_to (ISO dates), crosswalk_source,
    crosswalk_effective_from / crosswalk_effective_to, mue_source, mue_quarter, alias_count.
``codes``
    One row per HCPCS code kept (every J code, plus every code in the ASP file or the crosswalk).
    Decimals are stored as text so they round-trip exactly; dates as ISO text or NULL.
``ndcs``
    One row per (NDC, HCPCS) pair of the ASP NDC-HCPCS crosswalk; ``ndc`` is 11 digits.
``aliases``
    Project-written names billers search by (brand, abbreviation, use) pointing at a code.
The search index (FTS5 tables) is created by :mod:`jcalc.catalog.search_index`.
"""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = 1

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

ALIASES_COLUMNS: Final[dict[str, type]] = {
    "alias": str,
    "kind": str,  # brand | abbreviation | use
    "hcpcs": str,
}
