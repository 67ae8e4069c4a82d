"""The clinic's own data: charges, default NDCs and containers, favourites, notes, settings.

Kept per code (``code_settings``), per NDC (``ndc_settings``: the unit qualifier when the catalog
cannot tell) and as key/values (``settings``: clinic name, patient field, printing options).
Codes are kept even when a new catalog drops them (:meth:`ClinicStore.orphans` lists those).
Every setter validates first and raises :class:`ClinicDataError` with a plain message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from jcalc.calc_options import BillingDefaults
from jcalc.catalog.store import Catalog
from jcalc.core.containers import ContainerType
from jcalc.core.errors import InputError
from jcalc.core.ndc import NdcQualifier
from jcalc.core.summary import parse_administration_codes
from jcalc.userdata import billing_settings as billing_keys
from jcalc.userdata.clinic_records import ClinicData, ClinicSettings, CodeSettings, Orphan
from jcalc.userdata.clinic_rows import (
    CODE_SELECT,
    code_settings_from_row,
    write_code,
    write_qualifier,
)
from jcalc.userdata.clinic_values import (
    ADMIN_PREFIX,
    CHARGE_PLACES,
    CODE_RE,
    CONTAINER_CHOICES,
    KEY_CLINIC_NAME,
    KEY_PATIENT_FIELD,
    MAX_ADMINISTRATION_ENTRIES,
    MAX_CHARGE,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    OPTION_GRAYSCALE,
    OPTION_PAGE_SIZE,
    PAGE_SIZES,
    PRINT_PREFIX,
    RECENT_KEPT,
    ClinicDataError,
    administration_text,
    parse_charge,
    parse_clinic_name,
    parse_code,
    parse_container,
    parse_ndc,
    parse_note,
    parse_option_key,
    parse_qualifier,
    validate_administration,
)
from jcalc.userdata.database import UserDatabase

__all__ = [
    "ADMIN_PREFIX",
    "CHARGE_PLACES",
    "CODE_RE",
    "CONTAINER_CHOICES",
    "KEY_CLINIC_NAME",
    "KEY_PATIENT_FIELD",
    "MAX_ADMINISTRATION_ENTRIES",
    "MAX_CHARGE",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "OPTION_GRAYSCALE",
    "OPTION_PAGE_SIZE",
    "PAGE_SIZES",
    "PRINT_PREFIX",
    "RECENT_KEPT",
    "ClinicData",
    "ClinicDataError",
    "ClinicSettings",
    "ClinicStore",
    "CodeSettings",
    "Orphan",
    "administration_text",
    "parse_charge",
    "parse_clinic_name",
    "parse_code",
    "parse_container",
    "parse_ndc",
    "parse_note",
    "parse_option_key",
    "parse_qualifier",
    "validate_administration",
]


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
        rows = self.database.query(f"{CODE_SELECT} WHERE code = ?", (parse_code(code),))
        return code_settings_from_row(rows[0]) if rows else None

    def charge_per_unit(self, code: str) -> Decimal | None:
        """The clinic's charge per billing unit of ``code``, or None."""
        item = self.code_settings(code)
        return item.charge_per_unit if item is not None else None

    def all_code_settings(self) -> list[CodeSettings]:
        """Every code the clinic set something for, by code."""
        return [
            code_settings_from_row(row)
            for row in self.database.query(f"{CODE_SELECT} ORDER BY code")
        ]

    def save_code(self, settings: CodeSettings) -> CodeSettings:
        """Store ``settings`` for its code (validated first); all-empty settings delete the row."""
        checked = settings.validated()
        with self.database.transaction() as connection:
            write_code(connection, checked)
        return checked

    def _change(self, code: str, change: Callable[[CodeSettings], CodeSettings]) -> CodeSettings:
        """Read, change and write one code's settings in one transaction."""
        key = parse_code(code)
        with self.database.transaction() as connection:
            rows = connection.execute(f"{CODE_SELECT} WHERE code = ?", (key,)).fetchall()
            current = code_settings_from_row(rows[0]) if rows else CodeSettings(key)
            updated = change(current).validated()
            write_code(connection, updated)
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
                write_qualifier(connection, key, parse_qualifier(qualifier))

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
                write_code(connection, item)
            for ndc, qualifier in qualifiers.items():
                if ndc is not None:
                    write_qualifier(connection, ndc, qualifier)
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
