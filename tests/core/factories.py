"""Hand-made drug records for engine tests (figures as in the CMS files)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jcalc.core.descriptor import parse_descriptor
from jcalc.core.drug import DrugCode, MueLimit, NdcProduct


def drug(
    code: str,
    long_description: str,
    *,
    payment_limit: str | None = None,
    mue: MueLimit | None = None,
    terminated: date | None = None,
    effective: date | None = None,
    added: date | None = None,
    action_code: str = "",
    xrefs: tuple[str, ...] = (),
    is_noc: bool = False,
    asp_dosage: str | None = None,
) -> DrugCode:
    return DrugCode(
        hcpcs=code,
        long_description=long_description,
        short_description=long_description[:28],
        name=long_description,
        descriptor=parse_descriptor(long_description),
        added=added,
        effective=effective,
        terminated=terminated,
        action_code=action_code,
        xrefs=xrefs,
        payment_limit=Decimal(payment_limit) if payment_limit else None,
        mue=mue,
        is_noc=is_noc,
        asp_dosage=asp_dosage,
    )


def product(
    ndc: str, code: str, *, pkg_size: str, bill_units: str, pkg_qty: str = "1", name: str = "Drug"
) -> NdcProduct:
    return NdcProduct(
        ndc=ndc,
        hcpcs=code,
        labeler="Labeler Inc.",
        drug_name=name,
        pkg_size=Decimal(pkg_size),
        pkg_qty=Decimal(pkg_qty),
        bill_units=Decimal(bill_units),
        bill_units_pkg=Decimal(bill_units) * Decimal(pkg_qty),
    )


RITUXIMAB = drug(
    "J9312", "Injection, rituximab, 10 mg", payment_limit="95.123", mue=MueLimit(250, 3)
)
RITUXAN_500 = product("50242005306", "J9312", pkg_size="50", bill_units="50", name="Rituxan")
RITUXAN_100 = product("50242005121", "J9312", pkg_size="10", bill_units="10", name="Rituxan")
DEXAMETHASONE = drug("J1100", "Injection, dexamethasone sodium phosphate, 1 mg")
KETOROLAC = drug("J1885", "Injection, ketorolac tromethamine, per 15 mg")
NALOXONE = drug("J2312", "Injection, naloxone hydrochloride, not otherwise specified, 0.01 mg")
BOTOX = drug("J0585", "Injection, onabotulinumtoxina, 1 unit")
UNCLASSIFIED = drug("J3490", "Unclassified drugs", is_noc=True)
DOS = date(2026, 2, 2)
