"""What changes between two catalogs: codes added and ended, descriptors, prices, MUEs.

Shown to the biller before a new catalog is put in use, and by ``jcalc catalog diff``. With the
clinic's data it also says which of the clinic's favourites, priced codes and default NDCs are
affected. Money is Decimal throughout.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final, Protocol

from jcalc.catalog.diff_changes import (
    AddedCode,
    DescriptorChange,
    MueChange,
    PriceChange,
    TerminatedCode,
    limit_text,
)
from jcalc.catalog.diff_report import CatalogDiff, ClinicImpact
from jcalc.catalog.store import Catalog, descriptor_from_columns
from jcalc.core.descriptor import descriptor_label
from jcalc.core.drug import MueLimit
from jcalc.core.ndc import format_ndc

__all__ = [
    "AddedCode",
    "CatalogDiff",
    "ClinicCodes",
    "ClinicImpact",
    "DescriptorChange",
    "MueChange",
    "PriceChange",
    "TerminatedCode",
    "diff_catalogs",
    "limit_text",
]

_CODE_COLUMNS: Final = (
    "hcpcs",
    "name",
    "long_description",
    "short_description",
    "termination_date",
    "xrefs",
    "descriptor_text",
    "descriptor_kind",
    "descriptor_amount",
    "descriptor_unit",
    "descriptor_note",
    "asp_payment_limit",
    "mue_value",
    "mue_mai",
    "mue_rationale",
)


class ClinicCodes(Protocol):
    """What the diff needs of the clinic's data (``jcalc.userdata.clinic.ClinicData`` has it)."""

    @property
    def favourite_codes(self) -> frozenset[str]:
        """Codes the clinic marked as favourites."""
        ...

    @property
    def priced_codes(self) -> frozenset[str]:
        """Codes the clinic set a charge for."""
        ...

    @property
    def default_ndcs(self) -> Mapping[str, str]:
        """Default 11-digit NDC by code."""
        ...


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    description: str
    terminated: date | None
    xrefs: tuple[str, ...]
    reading: str
    price: Decimal | None
    mue: MueLimit | None


def _decimal(value: object) -> Decimal | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _rows(catalog: Catalog) -> dict[str, _Row]:
    sql = f"SELECT {', '.join(_CODE_COLUMNS)} FROM codes"
    rows: dict[str, _Row] = {}
    for raw in catalog.connection.execute(sql):
        values = dict(zip(_CODE_COLUMNS, raw, strict=True))
        descriptor = descriptor_from_columns(
            _text(values["descriptor_kind"]),
            values["descriptor_amount"] if isinstance(values["descriptor_amount"], str) else None,
            values["descriptor_unit"] if isinstance(values["descriptor_unit"], str) else None,
            _text(values["descriptor_text"]),
            _text(values["descriptor_note"]),
        )
        mue_value, mue_mai = values["mue_value"], values["mue_mai"]
        mue = (
            MueLimit(mue_value, mue_mai, _text(values["mue_rationale"]))
            if isinstance(mue_value, int) and isinstance(mue_mai, int)
            else None
        )
        code = str(values["hcpcs"])
        rows[code] = _Row(
            code=code,
            name=_text(values["name"]),
            description=_text(values["long_description"])
            or _text(values["descriptor_text"])
            or _text(values["short_description"]),
            terminated=_date(values["termination_date"]),
            xrefs=tuple(_text(values["xrefs"]).split()),
            reading=descriptor_label(descriptor),
            price=_decimal(values["asp_payment_limit"]),
            mue=mue,
        )
    return rows


def _ndc_pairs(catalog: Catalog) -> set[tuple[str, str]]:
    return {(str(c), str(n)) for c, n in catalog.connection.execute("SELECT hcpcs, ndc FROM ndcs")}


def _ndc_changes(old: Catalog, new: Catalog) -> tuple[int, set[tuple[str, str]]]:
    """(NDCs added, the (code, NDC) pairs removed), compared by SQLite on disk so that a catalog
    of a million NDCs is never held in memory; in Python when the files cannot be attached."""
    try:
        with contextlib.closing(sqlite3.connect("file::memory:", uri=True)) as conn:
            for name, catalog in (("a", old), ("b", new)):
                uri = f"{Path(catalog.path).resolve().as_uri()}?mode=ro"
                conn.execute(f"ATTACH DATABASE ? AS {name}", (uri,))
            pairs = "SELECT hcpcs, ndc FROM {0}.ndcs EXCEPT SELECT hcpcs, ndc FROM {1}.ndcs"
            added = int(
                conn.execute(f"SELECT COUNT(*) FROM ({pairs.format('b', 'a')})").fetchone()[0]
            )
            gone = {(str(c), str(n)) for c, n in conn.execute(pairs.format("a", "b"))}
            return added, gone
    except (sqlite3.Error, OSError, ValueError):
        old_ndcs, new_ndcs = _ndc_pairs(old), _ndc_pairs(new)
        return len(new_ndcs - old_ndcs), old_ndcs - new_ndcs


def _price_key(change: PriceChange) -> tuple[int, Decimal, str]:
    delta = change.delta
    if delta is None:
        return (1, Decimal(0), change.code)
    return (0, -abs(delta), change.code)


def diff_catalogs(old: Catalog, new: Catalog, *, clinic: ClinicCodes | None = None) -> CatalogDiff:
    """Compare two catalogs; with ``clinic``, also list the clinic's codes the changes touch."""
    started = time.perf_counter()
    before, after = _rows(old), _rows(new)
    added = tuple(
        AddedCode(r.code, r.name, r.description, r.reading, r.price, r.terminated)
        for code, r in sorted(after.items())
        if code not in before
    )
    terminated: list[TerminatedCode] = []
    descriptors: list[DescriptorChange] = []
    prices: list[PriceChange] = []
    mues: list[MueChange] = []
    for code, was in sorted(before.items()):
        now = after.get(code)
        if now is None:
            terminated.append(
                TerminatedCode(code, was.name, was.description, was.terminated, True, was.xrefs)
            )
            continue
        if now.terminated is not None and now.terminated != was.terminated:
            terminated.append(
                TerminatedCode(code, now.name, now.description, now.terminated, False, now.xrefs)
            )
        if was.description != now.description or was.reading != now.reading:
            descriptors.append(
                DescriptorChange(
                    code, now.name, was.description, now.description, was.reading, now.reading
                )
            )
        if was.price != now.price:
            prices.append(PriceChange(code, now.name, was.price, now.price))
        old_mue = (was.mue.value, was.mue.mai) if was.mue else None
        new_mue = (now.mue.value, now.mue.mai) if now.mue else None
        if old_mue != new_mue:
            mues.append(MueChange(code, now.name, was.mue, now.mue))
    prices.sort(key=_price_key)
    ndcs_added, gone = _ndc_changes(old, new)
    diff = CatalogDiff(
        old=old.info(),
        new=new.info(),
        added=added,
        terminated=tuple(terminated),
        descriptors_changed=tuple(descriptors),
        prices_changed=tuple(prices),
        mue_changed=tuple(mues),
        ndcs_added=ndcs_added,
        ndcs_removed=len(gone),
    )
    held = {quarter.quarter for quarter in old.asp_quarters()}
    quarters_added = tuple(sorted(q.quarter for q in new.asp_quarters() if q.quarter not in held))
    impacts = _clinic_impacts(diff, clinic, before, after, gone) if clinic else ()
    return CatalogDiff(
        old=diff.old,
        new=diff.new,
        added=diff.added,
        terminated=diff.terminated,
        descriptors_changed=diff.descriptors_changed,
        prices_changed=diff.prices_changed,
        mue_changed=diff.mue_changed,
        clinic_affected=impacts,
        ndcs_added=diff.ndcs_added,
        ndcs_removed=diff.ndcs_removed,
        quarters_added=quarters_added,
        seconds=time.perf_counter() - started,
    )


def _clinic_impacts(
    diff: CatalogDiff,
    clinic: ClinicCodes,
    before: Mapping[str, _Row],
    after: Mapping[str, _Row],
    gone_ndcs: set[tuple[str, str]],
) -> tuple[ClinicImpact, ...]:
    changes: dict[str, list[str]] = {}
    for ended in diff.terminated:
        changes.setdefault(ended.code, []).append(ended.describe())
    for text in diff.descriptors_changed:
        changes.setdefault(text.code, []).append(f"descriptor {text.describe()}")
    for price in diff.prices_changed:
        changes.setdefault(price.code, []).append(f"payment limit {price.describe()}")
    for limit in diff.mue_changed:
        changes.setdefault(limit.code, []).append(f"MUE {limit.describe()}")
    for code, ndc in clinic.default_ndcs.items():
        if code in after and (code, ndc) in gone_ndcs:
            shown = format_ndc(ndc) if len(ndc) == 11 and ndc.isdigit() else ndc
            changes.setdefault(code, []).append(
                f"default NDC {shown} is no longer in the crosswalk for this code"
            )
    favourites, priced = clinic.favourite_codes, clinic.priced_codes
    ours = favourites | priced | frozenset(clinic.default_ndcs)
    impacts: list[ClinicImpact] = []
    for code in sorted(ours & set(changes)):
        row = after.get(code) or before.get(code)
        impacts.append(
            ClinicImpact(
                code=code,
                name=row.name if row else "",
                favourite=code in favourites,
                priced=code in priced,
                changes=tuple(changes[code]),
            )
        )
    return tuple(impacts)
