"""The whole difference between two catalogs: counts, summary lines, JSON, the clinic's part."""

from __future__ import annotations

from dataclasses import dataclass, field

from jcalc.catalog.diff_changes import (
    AddedCode,
    DescriptorChange,
    MueChange,
    PriceChange,
    TerminatedCode,
    iso_or_none,
)
from jcalc.catalog.store import CatalogInfo


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
        "crosswalk_effective_from": iso_or_none(info.crosswalk_effective_from),
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
