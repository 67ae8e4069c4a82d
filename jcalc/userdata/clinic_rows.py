"""Rows of the clinic tables: reading a code's settings, writing a code or an NDC qualifier."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from jcalc.core.containers import ContainerType
from jcalc.core.ndc import NdcQualifier
from jcalc.userdata.clinic_records import CodeSettings


def now() -> str:
    """The time now, to the second, as ISO text."""
    return datetime.now().replace(microsecond=0).isoformat()


def parse_time(text: object) -> datetime | None:
    """An ISO time read back, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


CODE_SELECT: Final = (
    "SELECT code, charge_per_unit, default_ndc, container_type, favourite, note, updated_at "
    "FROM code_settings"
)


def code_settings_from_row(row: tuple[object, ...]) -> CodeSettings:
    """A ``code_settings`` row as CodeSettings (unreadable values read as unset)."""
    code, charge, ndc, container, favourite, note, updated = row
    try:
        amount = Decimal(str(charge)) if charge is not None else None
    except InvalidOperation:
        amount = None
    try:
        kind = ContainerType(str(container)) if container else None
    except ValueError:
        kind = None
    return CodeSettings(
        code=str(code),
        charge_per_unit=amount,
        default_ndc=str(ndc) if ndc else None,
        container_type=kind,
        favourite=bool(favourite),
        note=str(note or ""),
        updated_at=parse_time(updated),
    )


def write_code(connection: sqlite3.Connection, item: CodeSettings) -> None:
    """Insert or update a code's row; empty settings delete it."""
    if item.is_empty:
        connection.execute("DELETE FROM code_settings WHERE code = ?", (item.code,))
        return
    connection.execute(
        "INSERT INTO code_settings (code, charge_per_unit, default_ndc, container_type, "
        "favourite, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET charge_per_unit = excluded.charge_per_unit, "
        "default_ndc = excluded.default_ndc, container_type = excluded.container_type, "
        "favourite = excluded.favourite, note = excluded.note, updated_at = excluded.updated_at",
        (
            item.code,
            None if item.charge_per_unit is None else format(item.charge_per_unit, "f"),
            item.default_ndc,
            item.container_type.value if item.container_type else None,
            int(item.favourite),
            item.note,
            now(),
        ),
    )


def write_qualifier(connection: sqlite3.Connection, ndc: str, qualifier: NdcQualifier) -> None:
    """Insert or update the unit qualifier of an NDC."""
    connection.execute(
        "INSERT INTO ndc_settings (ndc, qualifier, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (ndc) DO UPDATE SET qualifier = excluded.qualifier, "
        "updated_at = excluded.updated_at",
        (ndc, qualifier.value, now()),
    )
