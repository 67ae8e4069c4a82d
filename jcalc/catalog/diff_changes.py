"""One change between two catalogs: an added or terminated code, a new descriptor, price or MUE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jcalc.core.drug import MueLimit


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


def iso_or_none(value: date | None) -> str | None:
    """A date as ISO text, or None."""
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
            "terminated": iso_or_none(self.terminated),
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
            "termination_date": iso_or_none(self.termination_date),
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
