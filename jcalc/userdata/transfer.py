"""Export and import of the clinic's data as one JSON file (to set up a second PC).

The file holds the per-code settings, the NDC qualifiers and the clinic settings, with a format
name and version. Not included: recently used codes (a habit of each PC) and the printed-summary
log (it may hold patient names and stays on the PC where it was printed).

Import reads and checks the whole file first; only a file without a single problem is written,
in one transaction. A bad file changes nothing and the message lists what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from jcalc import __version__
from jcalc.core.ndc import NdcQualifier
from jcalc.safe_io import SafeFileError, read_regular_file, write_atomically
from jcalc.userdata.billing_settings import BillingSettingError
from jcalc.userdata.billing_settings import validate as validate_billing
from jcalc.userdata.clinic import (
    ClinicData,
    ClinicDataError,
    ClinicSettings,
    ClinicStore,
    CodeSettings,
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

FORMAT_NAME: Final = "jcalc-clinic-data"
FORMAT_VERSION: Final = 1
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_DEPTH: Final = 8  # the format nests 4 levels (file, list, entry, printing options)
MAX_NUMBER_CHARS: Final = 30
MAX_PROBLEMS_SHOWN: Final = 5


class TransferError(ClinicDataError):
    """The export cannot be written or the import file cannot be used; nothing was changed."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class TransferSummary:
    """What an export wrote or an import read."""

    path: Path
    codes: int
    ndcs: int
    favourites: int
    priced: int

    def describe(self) -> str:
        """ "12 codes (3 favourites, 9 with a charge), 2 NDC qualifiers"."""
        return (
            f"{self.codes} codes ({self.favourites} favourites, {self.priced} with a charge), "
            f"{self.ndcs} NDC qualifiers"
        )


def _summary(path: Path, data: ClinicData) -> TransferSummary:
    return TransferSummary(
        path=path,
        codes=len(data.codes),
        ndcs=len(data.ndc_qualifiers),
        favourites=len(data.favourite_codes),
        priced=len(data.priced_codes),
    )


def clinic_data_to_json(data: ClinicData) -> dict[str, Any]:
    """The export file's content."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "program": f"jcalc {__version__}",
        "settings": data.settings.to_json(),
        "codes": [item.to_json() for _code, item in sorted(data.codes.items())],
        "ndc_qualifiers": [
            {"ndc": ndc, "qualifier": qualifier.value}
            for ndc, qualifier in sorted(data.ndc_qualifiers.items())
        ],
    }


def _field(item: dict[str, Any], key: str, kinds: tuple[type, ...], where: str) -> Any:
    value = item.get(key)
    if value is not None and not isinstance(value, kinds):
        raise ClinicDataError(f"{where}: '{key}' has the wrong type")
    return value


def clinic_data_from_json(content: object) -> ClinicData:
    """Check an export file's content and turn it into ClinicData.

    Raises TransferError listing every problem (the first few in the message).
    """
    if not isinstance(content, dict):
        raise TransferError("this is not a jcalc clinic data file (no JSON object)")
    if content.get("format") != FORMAT_NAME:
        raise TransferError("this is not a jcalc clinic data file (its format is not named)")
    version = content.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TransferError("the clinic data file has no format version")
    if version > FORMAT_VERSION:
        raise TransferError(
            f"the clinic data file was written by a newer jcalc (format {version}; this jcalc "
            f"reads format {FORMAT_VERSION}): update jcalc on this PC"
        )
    problems: list[str] = []
    codes: dict[str, CodeSettings] = {}
    raw_codes = content.get("codes", [])
    if not isinstance(raw_codes, list):
        problems.append("'codes' is not a list")
        raw_codes = []
    for number, item in enumerate(raw_codes, start=1):
        where = f"code entry {number}"
        try:
            if not isinstance(item, dict):
                raise ClinicDataError(f"{where} is not an object")
            code = parse_code(str(_field(item, "code", (str,), where) or ""))
            where = f"code entry {number} ({code})"
            if code in codes:
                raise ClinicDataError(f"{where} repeats the code")
            favourite = _field(item, "favourite", (bool,), where)
            codes[code] = CodeSettings(
                code=code,
                charge_per_unit=parse_charge(_field(item, "charge_per_unit", (str, int), where)),
                default_ndc=parse_ndc(_field(item, "default_ndc", (str,), where)),
                container_type=parse_container(_field(item, "container_type", (str,), where)),
                favourite=bool(favourite),
                note=parse_note(_field(item, "note", (str,), where)),
            )
        except ClinicDataError as exc:
            text = str(exc)
            problems.append(text if text.startswith(where) else f"{where}: {text}")
    qualifiers: dict[str, NdcQualifier] = {}
    raw_ndcs = content.get("ndc_qualifiers", [])
    if not isinstance(raw_ndcs, list):
        problems.append("'ndc_qualifiers' is not a list")
        raw_ndcs = []
    for number, item in enumerate(raw_ndcs, start=1):
        where = f"NDC entry {number}"
        try:
            if not isinstance(item, dict):
                raise ClinicDataError(f"{where} is not an object")
            ndc = parse_ndc(_field(item, "ndc", (str,), where))
            if ndc is None:
                raise ClinicDataError(f"{where} has no NDC")
            qualifiers[ndc] = parse_qualifier(str(_field(item, "qualifier", (str,), where)))
        except ClinicDataError as exc:
            text = str(exc)
            problems.append(text if text.startswith(where) else f"{where}: {text}")
    settings = ClinicSettings()
    raw_settings = content.get("settings", {})
    try:
        if not isinstance(raw_settings, dict):
            raise ClinicDataError("'settings' is not an object")
        printing = raw_settings.get("printing", {})
        if not isinstance(printing, dict) or not all(
            isinstance(value, str) for value in printing.values()
        ):
            raise ClinicDataError("the printing options are not a list of texts")
        patient = raw_settings.get("patient_field", False)
        if not isinstance(patient, bool):
            raise ClinicDataError("'patient_field' is not true or false")
        settings = ClinicSettings(
            clinic_name=parse_clinic_name(str(raw_settings.get("clinic_name", "") or "")),
            patient_field=patient,
            printing={parse_option_key(key): value for key, value in printing.items()},
            billing=_billing(raw_settings.get("billing", {})),
            administration=validate_administration(raw_settings.get("administration_codes", {})),
        )
    except (ClinicDataError, BillingSettingError) as exc:
        problems.append(f"settings: {exc}")
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        raise TransferError(
            f"the clinic data file has {len(problems)} problem(s), nothing was imported: "
            f"{shown}{tail}",
            tuple(problems),
        )
    return ClinicData(codes=codes, ndc_qualifiers=qualifiers, settings=settings)


def export_clinic_data(store: ClinicStore, path: Path) -> TransferSummary:
    """Write the clinic's data to ``path`` (replacing it atomically)."""
    path = Path(path)
    data = store.snapshot()
    text = json.dumps(clinic_data_to_json(data), indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomically(path, text.encode("utf-8"))
    except SafeFileError as exc:
        raise TransferError(str(exc)) from exc
    return _summary(path, data)


class _NumberTooLongError(ValueError):
    """A number in the file is longer than any real one."""


def _bounded_number(kind: Callable[[str], object]) -> Callable[[str], object]:
    def parse(text: str) -> object:
        if len(text) > MAX_NUMBER_CHARS:
            raise _NumberTooLongError(text)
        return kind(text)

    return parse


def _refuse_constant(name: str) -> object:
    raise _NumberTooLongError(name)


def _depth(content: object) -> int:
    """How deeply lists and objects nest in ``content`` (walked without recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(content, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in value)
    return deepest


def parse_json_bounded(raw: bytes, name: str) -> object:
    """JSON of a clinic data file, with limits on nesting depth and the length of numbers."""
    try:
        content = json.loads(
            raw.decode("utf-8-sig"),
            parse_int=_bounded_number(int),
            parse_float=_bounded_number(float),
            parse_constant=_refuse_constant,
        )
    except _NumberTooLongError as exc:
        shown = str(exc)[:20]
        raise TransferError(
            f"{name} is not a jcalc clinic data file: it holds a number no real setting has "
            f"('{shown}…', over {MAX_NUMBER_CHARS} characters, or NaN/Infinity)"
        ) from None
    except RecursionError:
        raise TransferError(
            f"{name} is not a jcalc clinic data file: its JSON is nested too deeply"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TransferError(
            f"{name} is not a jcalc clinic data file (not readable JSON: {exc})"
        ) from exc
    if _depth(content) > MAX_DEPTH:
        raise TransferError(
            f"{name} is not a jcalc clinic data file: its JSON is nested more than "
            f"{MAX_DEPTH} levels deep"
        )
    return content


def read_clinic_data(path: Path) -> ClinicData:
    """Read and check a clinic data file without writing anything."""
    path = Path(path)
    try:
        raw = read_regular_file(path, limit=MAX_FILE_BYTES, what="jcalc clinic data file")
    except SafeFileError as exc:
        raise TransferError(str(exc)) from exc
    content = parse_json_bounded(raw, path.name)
    try:
        return clinic_data_from_json(content)
    except TransferError as exc:
        raise TransferError(f"{path.name}: {exc}", exc.problems) from exc


def import_clinic_data(store: ClinicStore, path: Path, *, merge: bool = False) -> TransferSummary:
    """Read, check, then write a clinic data file in one transaction.

    Without ``merge`` the clinic's codes, NDC qualifiers and settings are replaced by the
    file's; with it, the file's entries are added or updated and nothing is removed.
    """
    data = read_clinic_data(path)
    store.replace_all(data, merge=merge)
    return _summary(Path(path), data)


def _billing(raw: object) -> dict[str, str]:
    """The ``billing`` settings of an imported file, validated (absent in older files)."""
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise BillingSettingError("the billing settings are not a list of texts")
    return validate_billing(raw)
