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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final, Protocol

from jcalc.catalog.store import Catalog, CatalogInfo, descriptor_from_columns
from jcalc.core.descriptor import descriptor_label
from jcalc.core.drug import MueLimit
from jcalc.core.ndc import format_ndc

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


def limit_text(value: Decimal | None) -> str:
    """ "$74.765": a payment limit at its own precision (at least cents), or "none"."""
    return _money(value)


def _money(value: Decimal | None) -> str:
    """ "$74.765": a payment limit at its own precision (at least cents), or "none"."""
    if value is None:
        return "none"
    exponent = value.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"${value:,.{places}f}"


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _mue_text(limit: MueLimit | None) -> str:
    return "none" if limit is None else limit.describe()


def _mue_json(limit: MueLimit | None) -> dict[str, object] | None:
    if limit is None:
        return None
    return {"value": limit.value, "mai": limit.mai, "rationale": limit.rationale}


@dataclass(frozen=True)
class AddedCode:
    """A code the new catalog has and the old one has not."""

    code: str
    name: str
    description: str
    reading: str  # the descriptor as read ("10 mg", "?")
    payment_limit: Decimal | None
    terminated: date | None = None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "reading": self.reading,
            "payment_limit": _plain(self.payment_limit),
            "terminated": _iso(self.terminated),
        }


@dataclass(frozen=True)
class TerminatedCode:
    """A code newly given a termination date, or gone from the new catalog (``removed``)."""

    code: str
    name: str
    description: str
    termination_date: date | None
    removed: bool
    replacements: tuple[str, ...] = ()

    def describe(self) -> str:
        """ "ends 2026-03-31 (see J1234)" or "no longer in the catalog"."""
        if self.removed:
            text = "no longer in the catalog"
        else:
            ends = self.termination_date.isoformat() if self.termination_date else "?"
            text = f"ends {ends}"
        if self.replacements:
            text += f" (see {', '.join(self.replacements)})"
        return text

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "termination_date": _iso(self.termination_date),
            "removed": self.removed,
            "replacements": list(self.replacements),
        }


@dataclass(frozen=True)
class DescriptorChange:
    """A code whose description or descriptor reading changed."""

    code: str
    name: str
    old_text: str
    new_text: str
    old_reading: str
    new_reading: str

    @property
    def reading_changed(self) -> bool:
        """True when the billing unit itself changed (not only the wording)."""
        return self.old_reading != self.new_reading

    def describe(self) -> str:
        """ "'…, 10 mg' (10 mg) → '…, 5 mg' (5 mg)"."""
        return f"'{self.old_text}' ({self.old_reading}) → '{self.new_text}' ({self.new_reading})"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "old_reading": self.old_reading,
            "new_reading": self.new_reading,
            "reading_changed": self.reading_changed,
        }


@dataclass(frozen=True)
class PriceChange:
    """A payment limit that changed (either side may be missing: newly priced, no longer)."""

    code: str
    name: str
    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        """new − old, None when either side has no price."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        """Change in percent of the old limit (1 place), None when not computable."""
        delta = self.delta
        if delta is None or self.old is None or self.old == 0:
            return None
        return (delta * 100 / self.old).quantize(Decimal("0.1"))

    @property
    def old_text(self) -> str:
        """The old limit per unit: "$74.765" or "none"."""
        return _money(self.old)

    @property
    def new_text(self) -> str:
        """The new limit per unit: "$80.000" or "none"."""
        return _money(self.new)

    @property
    def change_text(self) -> str:
        """ "+$5.235 (+7.0%)", "newly priced" or "no longer priced"."""
        delta, percent = self.delta, self.percent
        if delta is None:
            return "newly priced" if self.old is None else "no longer priced"
        sign = "+" if delta >= 0 else "-"
        text = f"{sign}{_money(abs(delta))}"
        return text + (f" ({percent:+}%)" if percent is not None else "")

    def describe(self) -> str:
        """ "$74.765 → $80.000 (+$5.235, +7.0%)"."""
        text = f"{_money(self.old)} → {_money(self.new)}"
        delta, percent = self.delta, self.percent
        if delta is not None:
            sign = "+" if delta >= 0 else "-"
            text += f" ({sign}{_money(abs(delta))}"
            text += f", {percent:+}%)" if percent is not None else ")"
        return text

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; amounts as exact decimal text."""
        return {
            "code": self.code,
            "name": self.name,
            "old": _plain(self.old),
            "new": _plain(self.new),
            "delta": _plain(self.delta),
            "percent": _plain(self.percent),
        }


@dataclass(frozen=True)
class MueChange:
    """A code whose MUE value or adjudication indicator changed."""

    code: str
    name: str
    old: MueLimit | None
    new: MueLimit | None

    @property
    def old_text(self) -> str:
        """The old MUE in words, or "none"."""
        return _mue_text(self.old)

    @property
    def new_text(self) -> str:
        """The new MUE in words, or "none"."""
        return _mue_text(self.new)

    def describe(self) -> str:
        """ "10 units per day (clinical) → 8 units per day (clinical)"."""
        return f"{_mue_text(self.old)} → {_mue_text(self.new)}"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "old": _mue_json(self.old),
            "new": _mue_json(self.new),
        }


@dataclass(frozen=True)
class ClinicImpact:
    """A code the clinic uses (favourite, priced or with a default NDC) that the update touches."""

    code: str
    name: str
    favourite: bool
    priced: bool
    changes: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "name": self.name,
            "favourite": self.favourite,
            "priced": self.priced,
            "changes": list(self.changes),
        }


def _info_json(info: CatalogInfo) -> dict[str, object]:
    return {
        "path": str(info.path),
        "asp_quarter": info.asp_quarter,
        "hcpcs_release": info.hcpcs_release,
        "mue_quarter": info.mue_quarter,
        "crosswalk_effective_from": _iso(info.crosswalk_effective_from),
    }


@dataclass(frozen=True)
class CatalogDiff:
    """Every change from ``old`` to ``new``, each list in a useful order."""

    old: CatalogInfo
    new: CatalogInfo
    added: tuple[AddedCode, ...] = ()
    terminated: tuple[TerminatedCode, ...] = ()
    descriptors_changed: tuple[DescriptorChange, ...] = ()
    prices_changed: tuple[PriceChange, ...] = ()  # largest absolute change first
    mue_changed: tuple[MueChange, ...] = ()
    clinic_affected: tuple[ClinicImpact, ...] = ()
    ndcs_added: int = 0
    ndcs_removed: int = 0
    quarters_added: tuple[str, ...] = ()  # ASP quarters the new catalog holds and the old lacks
    seconds: float = field(default=0.0, compare=False)  # time taken (a measurement)

    @property
    def is_empty(self) -> bool:
        """True when nothing a biller would notice changed."""
        return not (
            self.added
            or self.terminated
            or self.descriptors_changed
            or self.prices_changed
            or self.mue_changed
            or self.ndcs_added
            or self.ndcs_removed
            or self.quarters_added
        )

    def counts(self) -> dict[str, int]:
        """How many of each kind of change."""
        return {
            "added": len(self.added),
            "terminated": len(self.terminated),
            "descriptors_changed": len(self.descriptors_changed),
            "prices_changed": len(self.prices_changed),
            "mue_changed": len(self.mue_changed),
            "ndcs_added": self.ndcs_added,
            "ndcs_removed": self.ndcs_removed,
            "clinic_affected": len(self.clinic_affected),
        }

    def summary_lines(self, limit: int = 10) -> list[str]:
        """The changes as text, at most ``limit`` items of each kind (``0`` for all)."""

        shown = limit if limit > 0 else None

        def more(items: tuple[object, ...]) -> list[str]:
            hidden = len(items) - len(items[:shown])
            return [f"    … and {hidden} more"] if hidden > 0 else []

        lines = [
            f"from {self.old.asp_quarter or '?'} (HCPCS {self.old.hcpcs_release or '?'}, "
            f"MUE {self.old.mue_quarter or '?'}) to {self.new.asp_quarter or '?'} "
            f"(HCPCS {self.new.hcpcs_release or '?'}, MUE {self.new.mue_quarter or '?'})"
        ]
        if self.is_empty:
            lines.append("no changes")
        lines.append(f"codes added: {len(self.added)}")
        lines += [f"    {a.code}  {a.description}  [{a.reading}]" for a in self.added[:shown]]
        lines += more(self.added)
        lines.append(f"codes terminated or removed: {len(self.terminated)}")
        lines += [f"    {t.code}  {t.name}: {t.describe()}" for t in self.terminated[:shown]]
        lines += more(self.terminated)
        lines.append(f"descriptors changed: {len(self.descriptors_changed)}")
        lines += [f"    {d.code}  {d.describe()}" for d in self.descriptors_changed[:shown]]
        lines += more(self.descriptors_changed)
        lines.append(f"payment limits changed: {len(self.prices_changed)} (largest change first)")
        lines += [f"    {p.code}  {p.name}: {p.describe()}" for p in self.prices_changed[:shown]]
        lines += more(self.prices_changed)
        lines.append(f"MUE changed: {len(self.mue_changed)}")
        lines += [f"    {m.code}  {m.describe()}" for m in self.mue_changed[:shown]]
        lines += more(self.mue_changed)
        lines.append(f"NDCs added: {self.ndcs_added}, NDCs removed: {self.ndcs_removed}")
        if self.quarters_added:
            lines.append(
                f"ASP quarters added to the price history: {', '.join(self.quarters_added)}"
            )
        if self.clinic_affected:
            lines.append(f"your clinic's codes affected: {len(self.clinic_affected)}")
            for impact in self.clinic_affected:  # always all of them: they matter most
                marks = [m for m, on in (("favourite", impact.favourite),
                                         ("priced", impact.priced)) if on]  # fmt: skip
                mark = f" ({', '.join(marks)})" if marks else ""
                lines.append(f"    {impact.code}{mark}: {'; '.join(impact.changes)}")
        return lines

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict with every change (amounts as exact decimal text)."""
        return {
            "old": _info_json(self.old),
            "new": _info_json(self.new),
            "counts": self.counts(),
            "added": [item.to_json() for item in self.added],
            "terminated": [item.to_json() for item in self.terminated],
            "descriptors_changed": [item.to_json() for item in self.descriptors_changed],
            "prices_changed": [item.to_json() for item in self.prices_changed],
            "mue_changed": [item.to_json() for item in self.mue_changed],
            "ndcs_added": self.ndcs_added,
            "ndcs_removed": self.ndcs_removed,
            "asp_quarters_added": list(self.quarters_added),
            "clinic_affected": [item.to_json() for item in self.clinic_affected],
        }


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
