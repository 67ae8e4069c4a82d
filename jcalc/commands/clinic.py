"""``jcalc clinic …``: the clinic's charges, default NDCs, favourites, notes and settings.

Also ``export`` and ``import`` of the whole clinic data as one file (to set up a second PC).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from jcalc.catalog.library import open_active_catalog
from jcalc.commands import clinic_billing
from jcalc.console import print_error
from jcalc.core.claim import format_money
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import format_ndc
from jcalc.userdata.clinic import ClinicStore, CodeSettings
from jcalc.userdata.history import SummaryLog
from jcalc.userdata.transfer import export_clinic_data, import_clinic_data

Handler = Callable[[ClinicStore, argparse.Namespace], int]


def _error(message: str) -> int:
    return print_error(message)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``clinic`` command group."""
    parser = subparsers.add_parser(
        "clinic",
        help="the clinic's charges, favourites and settings",
        description="Show and change what the clinic keeps per code (charge per unit, default "
        "NDC and container, favourite, note), per NDC (unit qualifier) and for the clinic "
        "(name, patient field); export and import all of it as one file.",
    )
    parser.set_defaults(handler=_help(parser))
    commands = parser.add_subparsers(title="clinic commands", metavar="SUBCOMMAND")

    show = commands.add_parser("show", help="what the clinic set (all codes, or one)")
    show.add_argument("code", nargs="?", help="only this code")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    _bind(show, _show)

    charge = commands.add_parser(
        "set-charge", help="the clinic's charge per unit of a code ('none' clears it)"
    )
    charge.add_argument("code")
    charge.add_argument("amount", help="e.g. 12.50 or none")
    _bind(charge, _set_charge)

    ndc = commands.add_parser("set-ndc", help="the default NDC of a code ('none' clears it)")
    ndc.add_argument("code")
    ndc.add_argument("ndc", help="e.g. 50242-0053-06, or none")
    _bind(ndc, _set_ndc)

    container = commands.add_parser("set-container", help="the default container type of a code")
    container.add_argument("code")
    container.add_argument("container", choices=("single-dose", "multi-dose", "none"))
    _bind(container, _set_container)

    favourite = commands.add_parser("favourite", help="mark a code as a favourite")
    favourite.add_argument("code")
    favourite.add_argument("--remove", action="store_true", help="unmark it instead")
    _bind(favourite, _favourite)

    note = commands.add_parser("note", help="the clinic's note on a code ('' clears it)")
    note.add_argument("code")
    note.add_argument("text")
    _bind(note, _note)

    qualifier = commands.add_parser(
        "set-qualifier", help="the NDC unit qualifier (UN, ML, GR, F2, ME) of an NDC"
    )
    qualifier.add_argument("ndc")
    qualifier.add_argument("qualifier", help="UN, ML, GR, F2, ME or none")
    _bind(qualifier, _set_qualifier)

    name = commands.add_parser("set-name", help="the clinic's name as printed")
    name.add_argument("name")
    _bind(name, _set_name)

    patient = commands.add_parser(
        "patient-field", help="store a patient name with logged summaries (on/off)"
    )
    patient.add_argument("state", choices=("on", "off"))
    patient.add_argument(
        "--yes", action="store_true", help="off: erase the logged patient names without asking"
    )
    _bind(patient, _patient_field)

    orphans = commands.add_parser(
        "orphans", help="codes with clinic data that the catalog in use no longer has"
    )
    _bind(orphans, _orphans)

    export = commands.add_parser("export", help="write all clinic data to one file")
    export.add_argument("file", type=Path)
    _bind(export, _export)

    load = commands.add_parser(
        "import", help="read clinic data from an export file (checked before anything changes)"
    )
    load.add_argument("file", type=Path)
    load.add_argument(
        "--merge", action="store_true", help="add to the clinic's data instead of replacing it"
    )
    _bind(load, _import)
    clinic_billing.register(commands, _bind)


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show_help(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show_help


def _bind(parser: argparse.ArgumentParser, action: Handler) -> None:
    """Run ``action`` with the clinic store; errors become one ``error:`` line."""

    def handler(args: argparse.Namespace) -> int:
        try:
            store = ClinicStore.open()
        except JcalcError as error:
            return _error(str(error))
        try:
            return action(store, args)
        except JcalcError as error:
            return _error(str(error))
        except OSError as error:
            return _error(f"{error.filename or 'clinic data'}: {error.strerror or error}")
        finally:
            store.close()

    parser.set_defaults(handler=handler)


def _none(text: str) -> str | None:
    return None if text.strip().lower() in ("", "none", "-") else text


def format_code(item: CodeSettings) -> str:
    """One line per code: charge, NDC, container, favourite, note."""
    parts = [item.code]
    if item.favourite:
        parts.append("favourite")
    if item.charge_per_unit is not None:
        parts.append(f"charge {format_money(item.charge_per_unit)}/unit")
    if item.default_ndc:
        parts.append(f"NDC {format_ndc(item.default_ndc)}")
    if item.container_type:
        parts.append(item.container_type.value)
    if item.note:
        parts.append(f"note: {item.note}")
    return "  ".join(parts)


def _show(store: ClinicStore, args: argparse.Namespace) -> int:
    data = store.snapshot()
    if args.code:
        item = store.code_settings(args.code)
        if args.json:
            print(json.dumps(item.to_json() if item else None, indent=2, ensure_ascii=False))
        else:
            print(format_code(item) if item else f"nothing set for {args.code.strip().upper()}")
        return 0
    if args.json:
        content = {
            "settings": data.settings.to_json(),
            "codes": [item.to_json() for _code, item in sorted(data.codes.items())],
            "ndc_qualifiers": {ndc: q.value for ndc, q in sorted(data.ndc_qualifiers.items())},
            "recent_codes": store.recent_codes(),
        }
        print(json.dumps(content, indent=2, ensure_ascii=False))
        return 0
    settings = data.settings
    print(f"clinic: {settings.clinic_name or '(no name set)'}")
    print(f"patient field: {'on' if settings.patient_field else 'off'}")
    for key, value in settings.printing.items():
        print(f"printing {key}: {value}")
    for key, value in settings.billing.items():
        print(f"billing {key}: {value}")
    print(f"codes ({len(data.codes)}):")
    for _code, item in sorted(data.codes.items()):
        print(f"  {format_code(item)}")
    if data.ndc_qualifiers:
        print(f"NDC qualifiers ({len(data.ndc_qualifiers)}):")
        for ndc, qualifier in sorted(data.ndc_qualifiers.items()):
            print(f"  {format_ndc(ndc)}  {qualifier.value}")
    return 0


def _saved(item: CodeSettings) -> int:
    print(f"saved: {format_code(item)}" if not item.is_empty else f"cleared: {item.code}")
    return 0


def _set_charge(store: ClinicStore, args: argparse.Namespace) -> int:
    return _saved(store.set_charge(args.code, _none(args.amount)))


def _set_ndc(store: ClinicStore, args: argparse.Namespace) -> int:
    return _saved(store.set_default_ndc(args.code, _none(args.ndc)))


def _set_container(store: ClinicStore, args: argparse.Namespace) -> int:
    return _saved(store.set_container_type(args.code, _none(args.container)))


def _favourite(store: ClinicStore, args: argparse.Namespace) -> int:
    return _saved(store.set_favourite(args.code, not args.remove))


def _note(store: ClinicStore, args: argparse.Namespace) -> int:
    return _saved(store.set_note(args.code, args.text))


def _set_qualifier(store: ClinicStore, args: argparse.Namespace) -> int:
    store.set_ndc_qualifier(args.ndc, _none(args.qualifier))
    print(f"saved: {args.ndc} {args.qualifier.strip().upper()}")
    return 0


def _set_name(store: ClinicStore, args: argparse.Namespace) -> int:
    store.set_clinic_name(args.name)
    print(f"clinic name: {store.settings().clinic_name or '(none)'}")
    return 0


def _confirm(question: str) -> bool:
    """Ask on the terminal; False without one (answers other than y/yes are a no)."""
    if not sys.stdin or not sys.stdin.isatty():
        return False
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline(16)
    return answer.strip().lower() in ("y", "yes")


def _patient_field(store: ClinicStore, args: argparse.Namespace) -> int:
    if args.state == "on":
        store.set_patient_field(True)
        print("patient field: on")
        return 0
    log = SummaryLog(store.database)
    stored = log.count_patient_names()
    if stored and not args.yes:
        if not sys.stdin or not sys.stdin.isatty():
            return _error(
                f"turning the patient field off erases {stored} logged patient name"
                f"{'' if stored == 1 else 's'}; add --yes to confirm"
            )
        if not _confirm(f"erase {stored} logged patient name{'' if stored == 1 else 's'}?"):
            return _error("nothing changed: the patient field stays as it was")
    store.set_patient_field(False)
    erased = log.erase_patient_names()
    print("patient field: off")
    print(f"erased {erased} logged patient name{'' if erased == 1 else 's'}")
    return 0


def _orphans(store: ClinicStore, _args: argparse.Namespace) -> int:
    with open_active_catalog() as catalog:
        found = store.orphans(catalog)
    if not found:
        print("every code with clinic data is in the catalog in use")
        return 0
    print(f"codes not in the catalog in use ({len(found)}); their clinic data is kept:")
    for orphan in found:
        print(f"  {format_code(orphan.settings)}")
    return 0


def _export(store: ClinicStore, args: argparse.Namespace) -> int:
    summary = export_clinic_data(store, args.file)
    print(f"exported {summary.describe()} to {summary.path}")
    return 0


def _import(store: ClinicStore, args: argparse.Namespace) -> int:
    if not args.file.exists():
        return _error(f"{args.file}: file not found")
    summary = import_clinic_data(store, args.file, merge=args.merge)
    verb = "merged" if args.merge else "imported"
    print(f"{verb} {summary.describe()} from {summary.path}")
    return 0
