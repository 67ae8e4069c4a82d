"""Catalog rows read back as core values: bounded numbers, dates, descriptors, codes, products."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from jcalc.catalog.schema import (
    CODES_COLUMNS,
    NDCS_COLUMNS,
)
from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.drug import DrugCode, MueLimit, NdcProduct
from jcalc.core.quantity import Quantity, Unit

MAX_EXPONENT: Final = 12  # a number read back beyond 1e±12 is treated as missing


def read_decimal(text: str | None) -> Decimal | None:
    """A number read back, or None when missing, not finite or beyond 1e±12."""
    if text is None or text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value.adjusted()) <= MAX_EXPONENT else None


def read_date(text: str | None) -> date | None:
    """An ISO date read back, or None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_datetime(text: str | None) -> datetime | None:
    """An ISO date and time read back, or None."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def descriptor_from_columns(
    kind: str, amount: str | None, unit: str | None, text: str, note: str
) -> Descriptor:
    """Rebuild a :class:`Descriptor` from the ``descriptor_*`` columns of ``codes``."""
    try:
        descriptor_kind = DescriptorKind(kind)
    except ValueError:
        return Descriptor.unparsed(text, f"unknown descriptor kind '{kind}' in the catalog")
    value = read_decimal(amount)
    if descriptor_kind is DescriptorKind.UNPARSED or value is None or value <= 0 or unit is None:
        return Descriptor.unparsed(text, note)
    if unit not in Unit.__members__:
        return Descriptor.unparsed(text, f"unknown unit '{unit}' in the catalog")
    return Descriptor(descriptor_kind, Quantity(value, Unit[unit]), text, note)


def drug_code_from_row(row: tuple[object, ...]) -> DrugCode:
    """A ``codes`` row as a DrugCode."""
    values = dict(zip(CODES_COLUMNS, row, strict=True))

    def text(key: str) -> str:
        value = values[key]
        return value if isinstance(value, str) else ""

    def optional_text(key: str) -> str | None:
        value = values[key]
        return value if isinstance(value, str) else None

    mue_value, mue_mai = values["mue_value"], values["mue_mai"]
    mue = (
        MueLimit(mue_value, mue_mai, text("mue_rationale"))
        if isinstance(mue_value, int) and isinstance(mue_mai, int)
        else None
    )
    descriptor = descriptor_from_columns(
        text("descriptor_kind"),
        optional_text("descriptor_amount"),
        optional_text("descriptor_unit"),
        text("descriptor_text"),
        text("descriptor_note"),
    )
    return DrugCode(
        hcpcs=text("hcpcs"),
        long_description=text("long_description"),
        short_description=text("short_description"),
        name=text("name"),
        descriptor=descriptor,
        added=read_date(optional_text("add_date")),
        effective=read_date(optional_text("effective_date")),
        terminated=read_date(optional_text("termination_date")),
        xrefs=tuple(text("xrefs").split()),
        asp_dosage=optional_text("asp_dosage"),
        payment_limit=read_decimal(optional_text("asp_payment_limit")),
        asp_notes=text("asp_notes"),
        mue=mue,
        is_noc=bool(values["is_noc"]),
        action_code=text("action_code"),
    )


def ndc_product_from_row(row: tuple[object, ...]) -> NdcProduct:
    """An ``ndcs`` (or alternate products) row as an NdcProduct."""
    values = {
        key: value if isinstance(value, str) else None
        for key, value in zip(NDCS_COLUMNS, row, strict=True)
    }
    return NdcProduct(
        ndc=values["ndc"] or "",
        hcpcs=values["hcpcs"] or "",
        labeler=values["labeler"] or "",
        drug_name=values["drug_name"] or "",
        hcpcs_dosage=values["hcpcs_dosage"] or "",
        pkg_size=read_decimal(values["pkg_size"]),
        pkg_qty=read_decimal(values["pkg_qty"]),
        bill_units=read_decimal(values["bill_units"]),
        bill_units_pkg=read_decimal(values["bill_units_pkg"]),
    )
