"""The printed-summary log: each printed or saved summary, to list, filter, re-print and export.

A logged summary keeps the whole :class:`~jcalc.core.summary.ClaimSummary` as JSON, so
:meth:`LoggedSummary.summary` gives it back exactly for re-printing. A patient name is stored only
while the clinic's patient field is on, and only in the ``patient_name`` column (never in the
summary's JSON, so erasing the column erases every copy); otherwise it is dropped (never written).
"""

from __future__ import annotations

import builtins
import csv
import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from jcalc.core.claim import ClaimLine, LineRole
from jcalc.core.drug import MueLimit
from jcalc.core.ndc import NdcQualifier, format_ndc
from jcalc.core.summary import AdministrationCode, ClaimSummary, SummaryEntry
from jcalc.safe_io import SafeFileError, write_atomically
from jcalc.userdata.clinic import KEY_PATIENT_FIELD
from jcalc.userdata.database import UserDatabase, UserDataError

log = logging.getLogger(__name__)

Action = Literal["printed", "saved"]
ACTIONS: Final = ("printed", "saved")
SUMMARY_FORMAT: Final = 1  # version of the summary JSON
MAX_REFERENCE: Final = 200
MAX_PATIENT_NAME: Final = 200
CSV_COLUMNS: Final = (
    "log_id",
    "printed_at",
    "action",
    "catalog_quarter",
    "reference",
    "patient_name",
    "date_of_service",
    "hcpcs",
    "drug",
    "units",
    "modifiers",
    "ndc",
    "ndc_quantity",
    "asp_estimate",
    "charge",
)
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class HistoryError(UserDataError):
    """A logged summary cannot be found, stored or exported (plain message)."""


# ---------------------------------------------------------------- summary <-> JSON


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _undec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def line_to_json(line: ClaimLine) -> dict[str, Any]:
    """A claim line as JSON-ready data (amounts as exact decimal text)."""
    return {
        "hcpcs": line.hcpcs,
        "units": line.units,
        "role": line.role.value,
        "modifiers": list(line.modifiers),
        "ndc": line.ndc,
        "ndc_qualifier": line.ndc_qualifier.value if line.ndc_qualifier else None,
        "ndc_quantity": _dec(line.ndc_quantity),
        "asp_estimate": _dec(line.asp_estimate),
        "charge": _dec(line.charge),
    }


def line_from_json(data: Mapping[str, Any]) -> ClaimLine:
    """The claim line of :func:`line_to_json`."""
    qualifier = data.get("ndc_qualifier")
    return ClaimLine(
        hcpcs=str(data["hcpcs"]),
        units=int(data["units"]),
        role=LineRole(data["role"]),
        modifiers=tuple(str(m) for m in data.get("modifiers", ())),
        ndc=data.get("ndc"),
        ndc_qualifier=NdcQualifier(qualifier) if qualifier else None,
        ndc_quantity=_undec(data.get("ndc_quantity")),
        asp_estimate=_undec(data.get("asp_estimate")),
        charge=_undec(data.get("charge")),
    )


def _entry_to_json(entry: SummaryEntry) -> dict[str, Any]:
    mue = entry.mue
    return {
        "code": entry.code,
        "name": entry.name,
        "descriptor": entry.descriptor,
        "dose": entry.dose,
        "date_of_service": entry.date_of_service.isoformat(),
        "container": entry.container,
        "lines": [line_to_json(line) for line in entry.lines],
        "warnings": list(entry.warnings),
        "explanation": list(entry.explanation),
        "noc_note": entry.noc_note,
        "mue": None
        if mue is None
        else {"value": mue.value, "mai": mue.mai, "rationale": mue.rationale},
        "ndc": entry.ndc,
        "price_quarter": entry.price_quarter,
    }


def _entry_from_json(data: Mapping[str, Any]) -> SummaryEntry:
    mue = data.get("mue")
    return SummaryEntry(
        code=str(data["code"]),
        name=str(data["name"]),
        descriptor=str(data["descriptor"]),
        dose=str(data["dose"]),
        date_of_service=date.fromisoformat(data["date_of_service"]),
        container=str(data["container"]),
        lines=tuple(line_from_json(line) for line in data["lines"]),
        warnings=tuple(str(w) for w in data.get("warnings", ())),
        explanation=tuple(str(e) for e in data.get("explanation", ())),
        noc_note=data.get("noc_note"),
        mue=None if mue is None else MueLimit(int(mue["value"]), int(mue["mai"]), mue["rationale"]),
        ndc=data.get("ndc"),
        price_quarter=str(data.get("price_quarter") or ""),
    )


def summary_to_json(summary: ClaimSummary) -> dict[str, Any]:
    """A summary as JSON-ready data: everything needed to print it again but the patient name."""
    return {
        "format": SUMMARY_FORMAT,
        "date_of_service": summary.date_of_service.isoformat(),
        "entries": [_entry_to_json(entry) for entry in summary.entries],
        "administration": [{"code": a.code, "units": a.units} for a in summary.administration],
        "clinic_name": summary.clinic_name,
        "reference": summary.reference,
        "catalog_quarter": summary.catalog_quarter,
        "catalog_effective_from": _iso(summary.catalog_effective_from),
        "catalog_effective_to": _iso(summary.catalog_effective_to),
        "generated_on": summary.generated_on.isoformat(),
        "program": summary.program,
    }  # no patient_name: it is kept in its own column only (see the module docstring)


def summary_from_json(data: Mapping[str, Any]) -> ClaimSummary:
    """The summary of :func:`summary_to_json`; raises HistoryError for data it cannot read."""
    try:
        if int(data.get("format", 0)) > SUMMARY_FORMAT:
            raise HistoryError("this summary was logged by a newer jcalc")

        def day(key: str) -> date | None:
            value = data.get(key)
            return date.fromisoformat(value) if value else None

        return ClaimSummary(
            date_of_service=date.fromisoformat(data["date_of_service"]),
            entries=tuple(_entry_from_json(entry) for entry in data["entries"]),
            administration=tuple(
                AdministrationCode(str(a["code"]), int(a["units"])) for a in data["administration"]
            ),
            clinic_name=str(data.get("clinic_name", "")),
            reference=str(data.get("reference", "")),
            catalog_quarter=str(data.get("catalog_quarter", "")),
            catalog_effective_from=day("catalog_effective_from"),
            catalog_effective_to=day("catalog_effective_to"),
            generated_on=datetime.fromisoformat(data["generated_on"]),
            program=str(data.get("program", "jcalc")),
        )
    except HistoryError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise HistoryError(f"the logged summary cannot be read back ({exc!r})") from exc


# ---------------------------------------------------------------- the log


@dataclass(frozen=True)
class HistoryFilter:
    """Which logged summaries to list: all conditions must hold."""

    text: str = ""  # in the reference, patient name, codes or drug names (any case)
    since: date | None = None  # printed on or after
    until: date | None = None  # printed on or before
    code: str | None = None  # a line of this code
    limit: int | None = None


@dataclass(frozen=True)
class LoggedSummary:
    """One printed or saved summary."""

    id: int
    printed_at: datetime
    action: str
    catalog_quarter: str
    reference: str
    patient_name: str | None
    codes: tuple[str, ...]
    lines: tuple[dict[str, Any], ...] = field(compare=False)
    data: dict[str, Any] = field(compare=False, repr=False)

    def summary(self) -> ClaimSummary:
        """The summary as it was printed (to print it again), with its stored patient name."""
        return replace(summary_from_json(self.data), patient_name=self.patient_name or "")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (with the whole summary under ``summary``)."""
        return {
            "id": self.id,
            "printed_at": self.printed_at.isoformat(),
            "action": self.action,
            "catalog_quarter": self.catalog_quarter,
            "reference": self.reference,
            "patient_name": self.patient_name,
            "codes": list(self.codes),
            "lines": list(self.lines),
            "summary": self.data,
        }


_SELECT: Final = (
    "SELECT id, printed_at, action, catalog_quarter, reference, patient_name, codes, lines_json, "
    "summary_json FROM summary_log"
)


def _logged(row: Sequence[Any]) -> LoggedSummary:
    try:
        printed = datetime.fromisoformat(str(row[1]))
        lines = json.loads(row[7])
        data = json.loads(row[8])
    except (ValueError, TypeError) as exc:
        raise HistoryError(f"the logged summary {row[0]} is damaged ({exc})") from exc
    return LoggedSummary(
        id=int(row[0]),
        printed_at=printed,
        action=str(row[2]),
        catalog_quarter=str(row[3]),
        reference=str(row[4]),
        patient_name=None if row[5] is None else str(row[5]),
        codes=tuple(str(row[6]).split()),
        lines=tuple(lines),
        data=data,
    )


def _search_text(summary: ClaimSummary, patient: str | None, codes: Iterable[str]) -> str:
    parts = [summary.reference, patient or "", *codes]
    parts += [entry.name for entry in summary.entries]
    return " ".join(part for part in parts if part).lower()


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class SummaryLog:
    """The printed-summary log in the user database."""

    def __init__(self, database: UserDatabase) -> None:
        self.database = database

    def patient_field_enabled(self) -> bool:
        """Whether the clinic turned the patient field on."""
        rows = self.database.query("SELECT value FROM settings WHERE key = ?", (KEY_PATIENT_FIELD,))
        return bool(rows) and str(rows[0][0]) == "1"

    def log(
        self,
        summary: ClaimSummary,
        *,
        action: Action = "printed",
        patient_name: str | None = None,
        when: datetime | None = None,
    ) -> int:
        """Log a printed or saved summary; returns its id.

        ``patient_name`` (default: the summary's own) is stored only while the patient field is
        on; otherwise it is dropped.
        """
        if patient_name is None:
            patient_name = summary.patient_name
        if action not in ACTIONS:
            raise HistoryError(f"'{action}' is not one of {', '.join(ACTIONS)}")
        reference = " ".join(summary.reference.split())
        if len(reference) > MAX_REFERENCE:
            raise HistoryError(f"the reference is longer than {MAX_REFERENCE} characters")
        patient = " ".join((patient_name or "").split()) or None
        if patient is not None and not self.patient_field_enabled():
            log.info("patient name dropped: the clinic's patient field is off")
            patient = None
        if patient is not None and len(patient) > MAX_PATIENT_NAME:
            raise HistoryError(f"the patient name is longer than {MAX_PATIENT_NAME} characters")
        lines = [line_to_json(line) for line in summary.lines]
        codes = list(dict.fromkeys(line.hcpcs for line in summary.lines))
        printed = (when or datetime.now()).replace(microsecond=0).isoformat()
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO summary_log (printed_at, action, catalog_quarter, reference, "
                "patient_name, codes, search_text, lines_json, summary_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    printed,
                    action,
                    summary.catalog_quarter,
                    reference,
                    patient,
                    " ".join(codes),
                    _search_text(summary, patient, codes),
                    json.dumps(lines, ensure_ascii=False),
                    json.dumps(summary_to_json(summary), ensure_ascii=False),
                ),
            )
            log_id = int(cursor.lastrowid or 0)
            connection.executemany(
                "INSERT OR IGNORE INTO summary_codes (log_id, code) VALUES (?, ?)",
                [(log_id, code) for code in codes],
            )
        return log_id

    def list(
        self, filter: HistoryFilter | None = None, **conditions: Any
    ) -> builtins.list[LoggedSummary]:
        """Logged summaries, newest first, matching ``filter`` (or the same fields as keywords)."""
        wanted = filter or HistoryFilter(**conditions)
        where: builtins.list[str] = []
        parameters: builtins.list[object] = []
        if wanted.text.strip():
            where.append("search_text LIKE ? ESCAPE '\\'")
            parameters.append(_like(" ".join(wanted.text.split())))
        if wanted.since is not None:
            where.append("printed_at >= ?")
            parameters.append(wanted.since.isoformat())
        if wanted.until is not None:
            where.append("printed_at < ?")
            parameters.append((wanted.until + timedelta(days=1)).isoformat())
        if wanted.code:
            where.append("id IN (SELECT log_id FROM summary_codes WHERE code = ?)")
            parameters.append(wanted.code.strip().upper())
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY printed_at DESC, id DESC"
        if wanted.limit is not None:
            sql += " LIMIT ?"
            parameters.append(max(wanted.limit, 0))
        return [_logged(row) for row in self.database.query(sql, parameters)]

    def get(self, log_id: int) -> LoggedSummary:
        """One logged summary; HistoryError when there is none with that number."""
        rows = self.database.query(f"{_SELECT} WHERE id = ?", (int(log_id),))
        if not rows:
            raise HistoryError(f"there is no logged summary number {log_id}")
        return _logged(rows[0])

    def delete(self, log_id: int) -> None:
        """Remove one logged summary."""
        with self.database.transaction() as connection:
            connection.execute("DELETE FROM summary_codes WHERE log_id = ?", (int(log_id),))
            connection.execute("DELETE FROM summary_log WHERE id = ?", (int(log_id),))

    def count_patient_names(self) -> int:
        """How many logged summaries store a patient name."""
        rows = self.database.query(
            "SELECT COUNT(*) FROM summary_log WHERE patient_name IS NOT NULL"
        )
        return int(rows[0][0])

    def erase_patient_names(self) -> int:
        """Remove every stored patient name (e.g. after turning the field off); returns how many."""
        with self.database.transaction() as connection:
            cursor = connection.execute(
                "UPDATE summary_log SET patient_name = NULL WHERE patient_name IS NOT NULL"
            )
            changed = cursor.rowcount
            rows = connection.execute("SELECT id, summary_json, codes, reference FROM summary_log")
            for log_id, summary_json, codes, _reference in rows.fetchall():
                summary = summary_from_json(json.loads(summary_json))
                connection.execute(
                    "UPDATE summary_log SET search_text = ? WHERE id = ?",
                    (_search_text(summary, None, str(codes).split()), log_id),
                )
        return changed

    def export_csv(self, path: Path, filter: HistoryFilter | None = None) -> int:
        """Write the matching log to CSV, one row per claim line; returns the number of rows.

        UTF-8 with a byte-order mark (Excel opens it right); text cells that a spreadsheet would
        take for a formula get a leading apostrophe.
        """
        entries = self.list(filter)
        path = Path(path)
        handle = io.StringIO(newline="")
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        rows = 0
        for entry in reversed(entries):
            rows += self._write_rows(writer, entry)
        try:  # private: it may hold patient names
            write_atomically(path, handle.getvalue().encode("utf-8-sig"), private=True)
        except SafeFileError as exc:
            raise HistoryError(str(exc)) from exc
        return rows

    @staticmethod
    def _write_rows(writer: Any, entry: LoggedSummary) -> int:
        summary = entry.summary()
        names = {item.code: item.name for item in summary.entries}
        count = 0
        for line in summary.lines:
            writer.writerow(
                [
                    entry.id,
                    entry.printed_at.isoformat(sep=" "),
                    entry.action,
                    entry.catalog_quarter,
                    _safe_cell(entry.reference),
                    _safe_cell(entry.patient_name),
                    summary.date_of_service.isoformat(),
                    line.hcpcs,
                    _safe_cell(names.get(line.hcpcs, "")),
                    line.units,
                    " ".join(line.modifiers),
                    format_ndc(line.ndc) if line.ndc else "",
                    "" if line.ndc_quantity is None else line.ndc_quantity_display or "",
                    _dec(line.asp_estimate) or "",
                    _dec(line.charge) or "",
                ]
            )
            count += 1
        return count
