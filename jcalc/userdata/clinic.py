"""The clinic's own data: charges, default NDCs and containers, favourites, notes, settings.

Kept per code (``code_settings``), per NDC (``ndc_settings``: the unit qualifier when the catalog
cannot tell) and as key/values (``settings``: clinic name, patient field, printing options).
Codes are kept even when a new catalog drops them (:meth:`ClinicStore.orphans` lists those).
Every setter validates first and raises :class:`ClinicDataError` with a plain message.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final

from jcalc.calc_options import BillingDefaults
from jcalc.catalog.store import Catalog
from jcalc.core.containers import ContainerType
from jcalc.core.errors import InputError
from jcalc.core.ndc import NdcQualifier, normalize_ndc
from jcalc.core.quantity import shown
from jcalc.core.summary import AdministrationCode, parse_administration_codes
from jcalc.userdata import billing_settings as billing_keys
from jcalc.userdata.database import UserDatabase, UserDataError

CODE_RE: Final = re.compile(r"[A-Z][0-9]{4}|[0-9]{4}[0-9A-Z]")
MAX_CHARGE: Final = Decimal("1000000")
CHARGE_PLACES: Final = 4
MAX_NOTE_LENGTH: Final = 2000
MAX_NAME_LENGTH: Final = 200
MAX_ADMINISTRATION_ENTRIES: Final = 5000  # one per drug code, far more than any catalog holds
RECENT_KEPT: Final = 200  # recently used codes remembered

KEY_CLINIC_NAME: Final = "clinic_name"
KEY_PATIENT_FIELD: Final = "patient_field"
PRINT_PREFIX: Final = "print."
ADMIN_PREFIX: Final = "admin_codes."  # + a HCPCS code: its administration code numbers
OPTION_PAGE_SIZE: Final = "page_size"  # printing options the window and the CLI use
OPTION_GRAYSCALE: Final = "grayscale"
PAGE_SIZES: Final = ("Letter", "A4", "Legal")
_OPTION_KEY: Final = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
CONTAINER_CHOICES: Final = (ContainerType.SINGLE_DOSE, ContainerType.MULTI_DOSE)


class ClinicDataError(UserDataError):
    """A value of the clinic's data is not valid; the message says which and why."""


# ---------------------------------------------------------------- validation


def parse_code(text: str) -> str:
    """A HCPCS Level II code (J9312) or a five-character CPT number (96413), upper case."""
    code = str(text).strip().upper()
    if not CODE_RE.fullmatch(code):
        raise ClinicDataError(
            f"'{str(text).strip()}' is not a HCPCS code: a letter and four digits (J9312) or "
            "five digits (96413)"
        )
    return code


def parse_charge(value: Decimal | str | int | None) -> Decimal | None:
    """A charge per unit: not negative, at most 4 decimals; "$1,234.50" is accepted."""
    if value is None:
        return None
    if isinstance(value, float):
        raise ClinicDataError("give the charge as text or Decimal, not a float")
    text = str(value).strip().replace("$", "").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ClinicDataError(f"'{value}' is not an amount of money") from None
    if not amount.is_finite():
        raise ClinicDataError(f"'{value}' is not an amount of money")
    if amount < 0:
        raise ClinicDataError(f"the charge {value} is negative")
    if amount > MAX_CHARGE:
        raise ClinicDataError(f"the charge {value} per unit is more than {MAX_CHARGE:,}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -CHARGE_PLACES:
        raise ClinicDataError(f"the charge {value} has more than {CHARGE_PLACES} decimals")
    return amount


def parse_ndc(text: str | None) -> str | None:
    """An NDC as 11 digits (5-4-2, 4-4-2, 5-3-2, 5-4-1 or 11 digits); blank gives None."""
    if text is None or not str(text).strip():
        return None
    try:
        return normalize_ndc(str(text))
    except InputError as exc:
        raise ClinicDataError(str(exc)) from exc


def parse_qualifier(text: str | NdcQualifier) -> NdcQualifier:
    """An NDC unit qualifier: UN, ML, GR, F2 or ME."""
    if isinstance(text, NdcQualifier):
        return text
    try:
        return NdcQualifier(str(text).strip().upper())
    except ValueError:
        choices = ", ".join(q.value for q in NdcQualifier)
        raise ClinicDataError(
            f"'{str(text).strip()}' is not an NDC unit qualifier: use one of {choices}"
        ) from None


def parse_container(text: str | ContainerType | None) -> ContainerType | None:
    """single-dose or multi-dose (blank gives None: ask each time)."""
    if text is None or isinstance(text, ContainerType):
        if text is ContainerType.UNKNOWN:
            return None
        return text
    cleaned = str(text).strip().lower().replace(" ", "-").replace("_", "-")
    if not cleaned:
        return None
    for choice in CONTAINER_CHOICES:
        if cleaned in (choice.value, choice.value.split("-")[0]):
            return choice
    raise ClinicDataError(
        f"'{str(text).strip()}' is not a container type: use single-dose or multi-dose"
    )


def parse_note(text: str | None) -> str:
    """A free-text note (trimmed, at most 2000 characters)."""
    note = (text or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ClinicDataError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    return note


def parse_clinic_name(text: str) -> str:
    """The clinic's name as printed (blanks collapsed, at most 200 characters)."""
    name = " ".join(str(text).split())
    if len(name) > MAX_NAME_LENGTH:
        raise ClinicDataError(f"the clinic name is longer than {MAX_NAME_LENGTH} characters")
    return name


def parse_option_key(key: str) -> str:
    """A printing option name: lower-case letters, digits, '_', '.', '-'."""
    cleaned = str(key).strip().lower()
    if not _OPTION_KEY.fullmatch(cleaned):
        raise ClinicDataError(
            f"'{key}' is not a printing option name (letters, digits, '_', '.', '-')"
        )
    return cleaned


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class CodeSettings:
    """What the clinic set for one code."""

    code: str
    charge_per_unit: Decimal | None = None
    default_ndc: str | None = None  # 11 digits
    container_type: ContainerType | None = None
    favourite: bool = False
    note: str = ""
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing is set (the row can go)."""
        return (
            self.charge_per_unit is None
            and self.default_ndc is None
            and self.container_type is None
            and not self.favourite
            and not self.note
        )

    def validated(self) -> CodeSettings:
        """The same settings with every field checked and normalized (raises ClinicDataError)."""
        return replace(
            self,
            code=parse_code(self.code),
            charge_per_unit=parse_charge(self.charge_per_unit),
            default_ndc=parse_ndc(self.default_ndc),
            container_type=parse_container(self.container_type),
            favourite=bool(self.favourite),
            note=parse_note(self.note),
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the charge as exact decimal text)."""
        return {
            "code": self.code,
            "charge_per_unit": None
            if self.charge_per_unit is None
            else format(self.charge_per_unit, "f"),
            "default_ndc": self.default_ndc,
            "container_type": self.container_type.value if self.container_type else None,
            "favourite": self.favourite,
            "note": self.note,
        }


@dataclass(frozen=True)
class ClinicSettings:
    """Clinic-wide settings."""

    clinic_name: str = ""
    patient_field: bool = False  # store a patient name with logged summaries
    printing: Mapping[str, str] = field(default_factory=dict)
    billing: Mapping[str, str] = field(default_factory=dict)  # see userdata.billing_settings
    administration: Mapping[str, str] = field(default_factory=dict)  # code → "96413, 96415 x2"

    @property
    def page_size(self) -> str:
        """The paper size to print on: one of PAGE_SIZES (Letter when unset or unknown)."""
        value = self.printing.get(OPTION_PAGE_SIZE, "")
        return value if value in PAGE_SIZES else PAGE_SIZES[0]

    @property
    def grayscale(self) -> bool:
        """Whether to print in grayscale."""
        return self.printing.get(OPTION_GRAYSCALE, "0") == "1"

    def with_print_options(self, *, page_size: str, grayscale: bool) -> ClinicSettings:
        """A copy with the page size and grayscale options set."""
        if page_size not in PAGE_SIZES:
            raise ClinicDataError(f"'{page_size}' is not a paper size: use {', '.join(PAGE_SIZES)}")
        printing = {
            **self.printing,
            OPTION_PAGE_SIZE: page_size,
            OPTION_GRAYSCALE: "1" if grayscale else "0",
        }
        return replace(self, printing=printing)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "clinic_name": self.clinic_name,
            "patient_field": self.patient_field,
            "printing": dict(self.printing),
            "billing": dict(self.billing),
            "administration_codes": dict(self.administration),
        }


@dataclass(frozen=True)
class ClinicData:
    """A snapshot of the clinic's data (what the catalog diff and the export need)."""

    codes: Mapping[str, CodeSettings] = field(default_factory=dict)
    ndc_qualifiers: Mapping[str, NdcQualifier] = field(default_factory=dict)
    settings: ClinicSettings = field(default_factory=ClinicSettings)

    @property
    def favourite_codes(self) -> frozenset[str]:
        """Codes marked as favourites."""
        return frozenset(code for code, item in self.codes.items() if item.favourite)

    @property
    def priced_codes(self) -> frozenset[str]:
        """Codes with a clinic charge."""
        return frozenset(
            code for code, item in self.codes.items() if item.charge_per_unit is not None
        )

    @property
    def default_ndcs(self) -> Mapping[str, str]:
        """Default NDC by code."""
        return {code: item.default_ndc for code, item in self.codes.items() if item.default_ndc}


@dataclass(frozen=True)
class Orphan:
    """A code with clinic data that the catalog in use does not have."""

    settings: CodeSettings
    reason: str

    @property
    def code(self) -> str:
        """The code."""
        return self.settings.code


# ---------------------------------------------------------------- the store


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_CODE_SELECT: Final = (
    "SELECT code, charge_per_unit, default_ndc, container_type, favourite, note, updated_at "
    "FROM code_settings"
)


def _code_settings(row: tuple[object, ...]) -> CodeSettings:
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
        updated_at=_parse_time(updated),
    )


class ClinicStore:
    """Reads and writes the clinic's data in the user database."""

    def __init__(self, database: UserDatabase) -> None:
        self.database = database

    @classmethod
    def open(cls, path: Path | None = None) -> ClinicStore:
        """The store of the clinic database at ``path`` (default: the per-user one)."""
        return cls(UserDatabase(path))

    def close(self) -> None:
        """Close the database."""
        self.database.close()

    # ------------------------------------------------------------ per code

    def code_settings(self, code: str) -> CodeSettings | None:
        """What the clinic set for ``code``, or None."""
        rows = self.database.query(f"{_CODE_SELECT} WHERE code = ?", (parse_code(code),))
        return _code_settings(rows[0]) if rows else None

    def charge_per_unit(self, code: str) -> Decimal | None:
        """The clinic's charge per billing unit of ``code``, or None."""
        item = self.code_settings(code)
        return item.charge_per_unit if item is not None else None

    def all_code_settings(self) -> list[CodeSettings]:
        """Every code the clinic set something for, by code."""
        return [_code_settings(row) for row in self.database.query(f"{_CODE_SELECT} ORDER BY code")]

    def save_code(self, settings: CodeSettings) -> CodeSettings:
        """Store ``settings`` for its code (validated first); all-empty settings delete the row."""
        checked = settings.validated()
        with self.database.transaction() as connection:
            _write_code(connection, checked)
        return checked

    def _change(self, code: str, change: Callable[[CodeSettings], CodeSettings]) -> CodeSettings:
        """Read, change and write one code's settings in one transaction."""
        key = parse_code(code)
        with self.database.transaction() as connection:
            rows = connection.execute(f"{_CODE_SELECT} WHERE code = ?", (key,)).fetchall()
            current = _code_settings(rows[0]) if rows else CodeSettings(key)
            updated = change(current).validated()
            _write_code(connection, updated)
        return updated

    def set_charge(self, code: str, amount: Decimal | str | None) -> CodeSettings:
        """The clinic's charge per unit of ``code`` (None clears it)."""
        charge = parse_charge(amount)
        return self._change(code, lambda item: replace(item, charge_per_unit=charge))

    def set_default_ndc(self, code: str, ndc: str | None) -> CodeSettings:
        """The NDC proposed first for ``code`` (None clears it)."""
        value = parse_ndc(ndc)
        return self._change(code, lambda item: replace(item, default_ndc=value))

    def set_container_type(self, code: str, container: str | ContainerType | None) -> CodeSettings:
        """single-dose or multi-dose by default for ``code`` (None: ask each time)."""
        kind = parse_container(container)
        return self._change(code, lambda item: replace(item, container_type=kind))

    def set_favourite(self, code: str, favourite: bool = True) -> CodeSettings:
        """Mark or unmark ``code`` as a favourite."""
        return self._change(code, lambda item: replace(item, favourite=bool(favourite)))

    def set_note(self, code: str, note: str | None) -> CodeSettings:
        """The clinic's note on ``code`` ("" clears it)."""
        text = parse_note(note)
        return self._change(code, lambda item: replace(item, note=text))

    def forget_code(self, code: str) -> None:
        """Delete everything the clinic set for ``code``."""
        with self.database.transaction() as connection:
            connection.execute("DELETE FROM code_settings WHERE code = ?", (parse_code(code),))

    def favourites(self) -> list[str]:
        """Favourite codes, most recently used first, then by code."""
        rows = self.database.query(
            "SELECT c.code FROM code_settings c LEFT JOIN recent_codes r ON r.code = c.code "
            "WHERE c.favourite = 1 ORDER BY r.used_at IS NULL, r.used_at DESC, c.code"
        )
        return [str(row[0]) for row in rows]

    # ------------------------------------------------------------ per NDC

    def ndc_qualifier(self, ndc: str) -> NdcQualifier | None:
        """The unit qualifier the clinic set for an NDC, or None."""
        key = parse_ndc(ndc)
        rows = self.database.query("SELECT qualifier FROM ndc_settings WHERE ndc = ?", (key,))
        if not rows:
            return None
        try:
            return NdcQualifier(str(rows[0][0]))
        except ValueError:
            return None

    def ndc_qualifiers(self) -> dict[str, NdcQualifier]:
        """Every NDC qualifier the clinic set."""
        found: dict[str, NdcQualifier] = {}
        for ndc, qualifier in self.database.query("SELECT ndc, qualifier FROM ndc_settings"):
            try:
                found[str(ndc)] = NdcQualifier(str(qualifier))
            except ValueError:
                continue
        return found

    def set_ndc_qualifier(self, ndc: str, qualifier: str | NdcQualifier | None) -> None:
        """The unit qualifier to use for an NDC (None clears it)."""
        key = parse_ndc(ndc)
        if key is None:
            raise ClinicDataError("give an NDC")
        with self.database.transaction() as connection:
            if qualifier is None:
                connection.execute("DELETE FROM ndc_settings WHERE ndc = ?", (key,))
            else:
                _write_qualifier(connection, key, parse_qualifier(qualifier))

    # ------------------------------------------------------------ clinic settings

    def settings(self) -> ClinicSettings:
        """Clinic name, patient field and printing options."""
        values = {str(k): str(v) for k, v in self.database.query("SELECT key, value FROM settings")}
        printing = {
            key[len(PRINT_PREFIX) :]: value
            for key, value in sorted(values.items())
            if key.startswith(PRINT_PREFIX)
        }
        prefix = billing_keys.BILLING_PREFIX
        administration = {
            k[len(ADMIN_PREFIX) :]: v
            for k, v in sorted(values.items())
            if k.startswith(ADMIN_PREFIX)
        }
        return ClinicSettings(
            clinic_name=values.get(KEY_CLINIC_NAME, ""),
            patient_field=values.get(KEY_PATIENT_FIELD, "0") == "1",
            printing=printing,
            billing={
                k[len(prefix) :]: v for k, v in sorted(values.items()) if k.startswith(prefix)
            },
            administration=administration,
        )

    def billing_defaults(self) -> BillingDefaults:
        """Units per line, repeat modifier and 340B settings every calculation starts from."""
        return billing_keys.defaults_from(self.settings().billing)

    def ndc_concentration(self, ndc: str) -> str | None:
        """The concentration saved for an NDC ("100 mg/mL"), or None."""
        return billing_keys.read_concentration(self.database, ndc)

    def set_billing(self, key: str, value: str | None) -> None:
        """One billing setting (validated; None removes it: back to the cited default)."""
        billing_keys.write(self.database, key, value)

    def set_clinic_name(self, name: str) -> None:
        """The clinic's name as printed on summaries."""
        self._set(KEY_CLINIC_NAME, parse_clinic_name(name))

    def set_patient_field(self, enabled: bool) -> None:
        """Turn the patient field on or off (off: no patient name is ever stored)."""
        self._set(KEY_PATIENT_FIELD, "1" if enabled else "0")

    def save_settings(self, settings: ClinicSettings) -> ClinicSettings:
        """Write the clinic name, patient field and printing options in one transaction.

        Validated first (ClinicDataError, nothing written); printing options not named in
        ``settings`` are kept.
        """
        name = parse_clinic_name(settings.clinic_name)
        printing = {parse_option_key(k): str(v) for k, v in settings.printing.items()}
        values = {
            KEY_CLINIC_NAME: name,
            KEY_PATIENT_FIELD: "1" if settings.patient_field else "0",
            **{PRINT_PREFIX + key: value for key, value in printing.items()},
        }
        with self.database.transaction() as connection:
            connection.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
        return self.settings()

    def set_printing_option(self, key: str, value: str | None) -> None:
        """A printing option as text (None removes it)."""
        name = PRINT_PREFIX + parse_option_key(key)
        if value is None:
            with self.database.transaction() as connection:
                connection.execute("DELETE FROM settings WHERE key = ?", (name,))
        else:
            self._set(name, str(value))

    def _set(self, key: str, value: str) -> None:
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def administration_codes(self, code: str) -> str:
        """The administration code numbers remembered for ``code`` ("96413, 96415 x2"; "")."""
        rows = self.database.query(
            "SELECT value FROM settings WHERE key = ?", (ADMIN_PREFIX + parse_code(code),)
        )
        return str(rows[0][0]) if rows else ""

    def set_administration_codes(self, code: str, text: str | None) -> None:
        """Remember CPT code numbers for ``code`` (checked and normalized; None/"" forgets)."""
        key = ADMIN_PREFIX + parse_code(code)
        try:
            codes = parse_administration_codes(text or "")
        except InputError as error:
            raise ClinicDataError(str(error)) from None
        if not codes:
            with self.database.transaction() as connection:
                connection.execute("DELETE FROM settings WHERE key = ?", (key,))
            return
        self._set(key, administration_text(codes))

    # ------------------------------------------------------------ recently used

    def record_use(self, code: str, when: datetime | None = None) -> None:
        """Remember that ``code`` was just used (for "recent" in search)."""
        key = parse_code(code)
        stamp = (when or datetime.now()).isoformat()  # to the microsecond: picks come quickly
        with self.database.transaction() as connection:
            connection.execute(
                "INSERT INTO recent_codes (code, used_at, uses) VALUES (?, ?, 1) "
                "ON CONFLICT (code) DO UPDATE SET used_at = excluded.used_at, uses = uses + 1",
                (key, stamp),
            )
            connection.execute(
                "DELETE FROM recent_codes WHERE code NOT IN "
                "(SELECT code FROM recent_codes ORDER BY used_at DESC, code LIMIT ?)",
                (RECENT_KEPT,),
            )

    def recent_codes(self, limit: int = 10) -> list[str]:
        """Codes used most recently first."""
        rows = self.database.query(
            "SELECT code FROM recent_codes ORDER BY used_at DESC, code LIMIT ?", (max(limit, 0),)
        )
        return [str(row[0]) for row in rows]

    def preferred_codes(self, limit: int = 20) -> list[str]:
        """Favourites, then other recently used codes: what search shows for a short query."""
        found = self.favourites()
        found += [code for code in self.recent_codes(limit) if code not in found]
        return found[: max(limit, 0)]

    # ------------------------------------------------------------ whole data

    def snapshot(self) -> ClinicData:
        """Everything the clinic set, as one immutable value."""
        return ClinicData(
            codes={item.code: item for item in self.all_code_settings()},
            ndc_qualifiers=self.ndc_qualifiers(),
            settings=self.settings(),
        )

    def orphans(self, catalog: Catalog) -> list[Orphan]:
        """Codes with clinic data that ``catalog`` does not have (their data is kept)."""
        return [
            Orphan(item, f"{item.code} is not in the catalog in use; the clinic's data is kept")
            for item in self.all_code_settings()
            if catalog.code(item.code) is None
        ]

    def replace_all(self, data: ClinicData, *, merge: bool = False) -> None:
        """Write a whole clinic data set in one transaction (validated first).

        Without ``merge`` the code, NDC and settings tables are replaced; with it, entries are
        added or updated and nothing is deleted. Recently used codes and the log stay.
        """
        codes = [item.validated() for item in data.codes.values()]
        qualifiers = {parse_ndc(ndc): parse_qualifier(q) for ndc, q in data.ndc_qualifiers.items()}
        name = parse_clinic_name(data.settings.clinic_name)
        printing = {parse_option_key(k): str(v) for k, v in data.settings.printing.items()}
        billing = billing_keys.validate(data.settings.billing)
        administration = validate_administration(data.settings.administration)
        with self.database.transaction() as connection:
            if not merge:
                connection.execute("DELETE FROM code_settings")
                connection.execute("DELETE FROM ndc_settings")
                connection.execute("DELETE FROM settings")
            for item in codes:
                _write_code(connection, item)
            for ndc, qualifier in qualifiers.items():
                if ndc is not None:
                    _write_qualifier(connection, ndc, qualifier)
            settings = {
                KEY_CLINIC_NAME: name,
                KEY_PATIENT_FIELD: "1" if data.settings.patient_field else "0",
                **{PRINT_PREFIX + key: value for key, value in printing.items()},
                **{billing_keys.BILLING_PREFIX + k: v for k, v in billing.items()},
                **{ADMIN_PREFIX + code: text for code, text in administration.items()},
            }
            connection.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(settings.items()),
            )


def administration_text(codes: Sequence[AdministrationCode]) -> str:
    """Administration codes as stored: "96413, 96415 x2"."""
    return ", ".join(c.code + (f" x{c.units}" if c.units > 1 else "") for c in codes)


def validate_administration(raw: object) -> dict[str, str]:
    """Remembered administration codes per HCPCS code (an imported file's), checked and
    normalized; ClinicDataError names the first bad entry."""
    if not isinstance(raw, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise ClinicDataError("the administration codes are not texts by HCPCS code")
    if len(raw) > MAX_ADMINISTRATION_ENTRIES:
        raise ClinicDataError("too many remembered administration codes")
    out: dict[str, str] = {}
    for code, text in raw.items():
        try:
            codes = parse_administration_codes(text)
        except InputError as error:
            raise ClinicDataError(f"administration codes of {shown(code)}: {error}") from None
        if codes:
            out[parse_code(code)] = administration_text(codes)
    return out


def _write_code(connection: sqlite3.Connection, item: CodeSettings) -> None:
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
            _now(),
        ),
    )


def _write_qualifier(connection: sqlite3.Connection, ndc: str, qualifier: NdcQualifier) -> None:
    connection.execute(
        "INSERT INTO ndc_settings (ndc, qualifier, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (ndc) DO UPDATE SET qualifier = excluded.qualifier, "
        "updated_at = excluded.updated_at",
        (ndc, qualifier.value, _now()),
    )
