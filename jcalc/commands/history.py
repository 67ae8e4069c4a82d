"""``jcalc history list | show | export``: the log of printed and saved summaries."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from jcalc.commands.arguments import iso_date, positive_int
from jcalc.console import print_error
from jcalc.core.claim import format_money
from jcalc.core.errors import JcalcError
from jcalc.userdata.database import UserDatabase
from jcalc.userdata.history import HistoryFilter, LoggedSummary, SummaryLog

Handler = Callable[[SummaryLog, argparse.Namespace], int]
DEFAULT_LIMIT = 50


def _error(message: str) -> int:
    return print_error(message)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``history`` command group."""
    parser = subparsers.add_parser(
        "history",
        help="the log of printed and saved summaries",
        description="List, show and export the summaries printed or saved as PDF.",
    )

    def show_help(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=show_help)
    commands = parser.add_subparsers(title="history commands", metavar="SUBCOMMAND")

    listing = commands.add_parser("list", help="logged summaries, newest first")
    _filters(listing)
    listing.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N (default {DEFAULT_LIMIT})",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    _bind(listing, _list)

    show = commands.add_parser("show", help="one logged summary, line by line")
    show.add_argument("id", type=positive_int, metavar="ID", help="its number in the list")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    _bind(show, _show)

    export = commands.add_parser("export", help="write the log to a CSV file, one row per line")
    export.add_argument("file", metavar="FILE.csv")
    _filters(export)
    _bind(export, _export)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", default="", help="in the reference, patient, codes or drugs")
    parser.add_argument("--code", help="only summaries with a line of this code")
    parser.add_argument("--since", type=iso_date, help="printed on or after YYYY-MM-DD")
    parser.add_argument("--until", type=iso_date, help="printed on or before YYYY-MM-DD")


def _filter(args: argparse.Namespace, limit: int | None = None) -> HistoryFilter:
    return HistoryFilter(
        text=args.text, since=args.since, until=args.until, code=args.code, limit=limit
    )


def _bind(parser: argparse.ArgumentParser, action: Handler) -> None:
    def handler(args: argparse.Namespace) -> int:
        try:
            database = UserDatabase()
        except JcalcError as error:
            return _error(str(error))
        try:
            return action(SummaryLog(database), args)
        except JcalcError as error:
            return _error(str(error))
        except OSError as error:
            return _error(f"{error.filename or 'history'}: {error.strerror or error}")
        finally:
            database.close()

    parser.set_defaults(handler=handler)


def format_entry(entry: LoggedSummary) -> str:
    """One line: number, time, action, quarter, codes, reference (and patient when stored)."""
    parts = [
        f"{entry.id:>5}",
        entry.printed_at.isoformat(sep=" "),
        f"{entry.action:<7}",
        entry.catalog_quarter or "?",
        " ".join(entry.codes) or "-",
    ]
    if entry.reference:
        parts.append(f"ref {entry.reference}")
    if entry.patient_name:
        parts.append(f"patient {entry.patient_name}")
    return "  ".join(parts)


def _list(log: SummaryLog, args: argparse.Namespace) -> int:
    entries = log.list(_filter(args, args.limit))
    if args.json:
        rows = [
            {key: value for key, value in entry.to_json().items() if key != "summary"}
            for entry in entries
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print("no logged summaries match")
        return 0
    for entry in entries:
        print(format_entry(entry))
    return 0


def _show(log: SummaryLog, args: argparse.Namespace) -> int:
    entry = log.get(args.id)
    if args.json:
        print(json.dumps(entry.to_json(), indent=2, ensure_ascii=False))
        return 0
    summary = entry.summary()
    print(format_entry(entry))
    print(f"  date of service {summary.date_of_service.isoformat()}")
    for line in summary.lines:
        extras = [line.modifiers_display, line.shaded_line or ""]
        if line.charge is not None:
            extras.append(f"charge {format_money(line.charge)}")
        text = "  ".join(part for part in extras if part)
        print(f"  {line.hcpcs}  {line.units} units  {text}".rstrip())
    return 0


def _export(log: SummaryLog, args: argparse.Namespace) -> int:
    rows = log.export_csv(args.file, _filter(args))
    print(f"wrote {rows} claim lines to {args.file}")
    return 0
