"""What the catalog knows about a HCPCS code and an NDC product, as plain immutable records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.errors import InputError
from jcalc.core.quantity import Concentration, Quantity, Unit

LEVEL2_CODE_RE = re.compile(r"^[A-Z][0-9]{4}$")

# ACTION CD of the HCPCS file (record layout, field 30): what the latest action did.
ACTION_MEANINGS: Final[dict[str, str]] = {
    "A": "added",
    "B": "administrative data and long description changed",
    "C": "long description changed",
    "D": "discontinued",
    "F": "administrative data changed",
    "N": "no maintenance",
    "P": "payment changed",
    "R": "reactivated",
    "S": "short description changed",
    "T": "miscellaneous change",
}
DESCRIPTION_ACTIONS: Final = frozenset({"B", "C"})  # the long description changed


def normalize_code(text: str) -> str:
    """Upper-case, trimmed HCPCS Level II code; InputError when it is not one."""
    code = text.strip().upper()
    if not LEVEL2_CODE_RE.fullmatch(code):
        raise InputError(
            f"'{text.strip()}' is not a HCPCS Level II code (a letter and four digits, like J9312)"
        )
    return code


@dataclass(frozen=True)
class MueLimit:
    """Medically Unlikely Edit: the most units of a code per line or per day."""

    value: int
    mai: int  # 1 per line, 2 per day (policy, absolute), 3 per day (clinical)
    rationale: str = ""

    @property
    def per_day(self) -> bool:
        """True when the limit applies to the sum of the day's lines (MAI 2 and 3)."""
        return self.mai in (2, 3)

    def describe(self) -> str:
        """Plain words for the limit and how it is applied."""
        scope = {1: "per claim line", 2: "per day (absolute)", 3: "per day (clinical)"}
        return f"{self.value} units {scope.get(self.mai, f'(MAI {self.mai})')}"


@dataclass(frozen=True)
class ModifierInfo:
    """A modifier of the HCPCS file (JW, JZ, JG, TB, KP ...) with its dates.

    Like a code, a modifier may be used from its ADD DT through its TERM DT (the last valid day).
    """

    code: str
    description: str
    added: date | None = None
    terminated: date | None = None

    def valid_on(self, day: date) -> bool:
        """True when the modifier may be reported for a service on ``day``."""
        if self.added and day < self.added:
            return False
        return not (self.terminated and day > self.terminated)


@dataclass(frozen=True)
class DrugCode:
    """A HCPCS code with its descriptor, dates, ASP price and MUE.

    Dates as the HCPCS record layout defines them: the code is billable from ``added`` (ADD DT)
    through ``terminated`` (TERM DT, the last valid day). ``effective`` (ACT EFF DT) is the date
    of the code's latest action and ``action_code`` (ACTION CD) says which; it is not the first
    valid day. ``price_quarter`` names the ASP quarter ``payment_limit`` comes from.
    """

    hcpcs: str
    long_description: str
    short_description: str
    name: str
    descriptor: Descriptor
    added: date | None = None
    effective: date | None = None
    terminated: date | None = None
    xrefs: tuple[str, ...] = ()
    asp_dosage: str | None = None
    payment_limit: Decimal | None = None
    asp_notes: str = ""
    mue: MueLimit | None = None
    is_noc: bool = False
    action_code: str = ""
    price_quarter: str = ""

    def valid_on(self, day: date) -> bool:
        """True when the code may be billed for a service on ``day`` (ADD DT..TERM DT)."""
        if self.added and day < self.added:
            return False
        return not (self.terminated and day > self.terminated)

    def status_on(self, day: date) -> str:
        """ "active", "terminated" or "not yet effective" on ``day``."""
        if self.terminated and day > self.terminated:
            return "terminated"
        if self.added and day < self.added:
            return "not yet effective"
        return "active"

    @property
    def action(self) -> str:
        """The latest action in words ("long description changed"), "" when unknown."""
        return ACTION_MEANINGS.get(self.action_code, "")

    def description_changed_after(self, day: date) -> bool:
        """True when the long description changed (ACTION CD B or C) after ``day``."""
        return (
            self.action_code in DESCRIPTION_ACTIONS
            and self.effective is not None
            and day < self.effective
        )


@dataclass(frozen=True)
class NdcProduct:
    """One NDC of the ASP crosswalk: a package of ``pkg_qty`` items mapped to a HCPCS code."""

    ndc: str  # 11 digits, no hyphens
    hcpcs: str
    labeler: str = ""
    drug_name: str = ""
    hcpcs_dosage: str = ""
    pkg_size: Decimal | None = None  # mL of one item for liquids; often 1 for a vial of powder
    pkg_qty: Decimal | None = None  # items in the package
    bill_units: Decimal | None = None  # HCPCS billing units in one item
    bill_units_pkg: Decimal | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def item_content(self, descriptor: Descriptor) -> Quantity | None:
        """Drug in one item (vial, syringe, bag): billing units per item × descriptor amount."""
        if self.bill_units is None or self.bill_units <= 0 or descriptor.amount is None:
            return None
        return Quantity(self.bill_units * descriptor.amount.amount, descriptor.amount.unit)

    @property
    def volume_known(self) -> bool:
        """True when the package size is a volume in mL.

        The crosswalk does not name the unit of PKG SIZE. A size other than 1 is the mL of a
        liquid item; a size of 1 may mean 1 mL or one vial of powder, so it is not a volume.
        """
        return self.pkg_size is not None and self.pkg_size > 0 and self.pkg_size != 1

    def item_volume(self) -> Quantity | None:
        """Volume of one item in mL, when the package size is known to be a volume."""
        if not self.volume_known or self.pkg_size is None:
            return None
        return Quantity(self.pkg_size, Unit.ML)

    def concentration(self, descriptor: Descriptor) -> Concentration | None:
        """Drug per mL of a liquid item, when both its content and its volume are known."""
        content = self.item_content(descriptor)
        volume = self.item_volume()
        if (
            content is None
            or volume is None
            or descriptor.kind
            in (
                DescriptorKind.PER_VIAL,
                DescriptorKind.PER_DOSE,
            )
        ):
            return None
        if content.unit.dimension is Unit.ML.dimension:
            return None
        return Concentration(Quantity(content.amount / volume.amount, content.unit))
