"""``jcalc catalog build | info | report | update | diff | restore | which``.

Make the catalog from the CMS files and inspect it; update the catalog in use from a new
quarter's files, compare two catalogs, go back to the previous or bundled catalog, and show
which catalog is in use.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

from jcalc.catalog.build import BuildSummary, Progress, build_catalog
from jcalc.catalog.diff import diff_catalogs
from jcalc.catalog.library import (
    active_catalog,
    catalog_label,
    open_chosen_catalog,
    restore_bundled,
    restore_previous,
)
from jcalc.catalog.report import CatalogReport, build_report
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.store import Catalog, CatalogInfo, open_catalog
from jcalc.catalog.update import build_update, commit_update, discard_update, plan_update
from jcalc.console import print_error
from jcalc.core.errors import JcalcError
from jcalc.userdata.clinic import ClinicData, ClinicStore
from jcalc.userdata.database import database_path

_INPUT_FLAGS: Final = ("hcpcs", "asp", "crosswalk", "mue")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``catalog`` command and its ``build``, ``info`` and ``report`` subcommands."""
    parser = subparsers.add_parser(
        "catalog",
        help="build or inspect the drug catalog",
        description="Build the catalog from the CMS files, or show what a catalog holds.",
    )
    parser.set_defaults(handler=run, catalog_command=None, catalog_parser=parser)
    commands = parser.add_subparsers(title="catalog commands", metavar="SUBCOMMAND")

    build = commands.add_parser(
        "build",
        help="build a catalog from the four CMS files",
        description="Build a catalog file from the HCPCS, ASP, crosswalk and MUE files.",
    )
    build.add_argument("--hcpcs", type=Path, required=True, help="HCPCS Level II file (zip)")
    build.add_argument("--asp", type=Path, required=True, help="ASP payment limit file (csv)")
    build.add_argument(
        "--crosswalk", type=Path, required=True, help="ASP NDC-HCPCS crosswalk (csv)"
    )
    build.add_argument("--mue", type=Path, required=True, help="practitioner MUE table (csv)")
    build.add_argument("--out", type=Path, required=True, help="catalog file to write")
    build.add_argument("--aliases", type=Path, help="alias file (default: the bundled one)")
    build.set_defaults(handler=run_build, catalog_command="build")

    info = commands.add_parser(
        "info",
        help="show a catalog's quarter, sources and counts",
        description="Show which CMS files and quarter a catalog was built from, and its counts.",
    )
    info.add_argument("--catalog", type=Path, help="catalog file (default: the catalog in use)")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=run_info, catalog_command="info")

    report = commands.add_parser(
        "report",
        help="descriptor parse rate and every exception",
        description="How many active J codes have a readable dosage descriptor; lists the "
        "unreadable ones, HCPCS/ASP disagreements and combination products.",
    )
    report.add_argument("--catalog", type=Path, help="catalog file (default: the catalog in use)")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.set_defaults(handler=run_report, catalog_command="report")
    _register_library_commands(commands)


def _error(message: str) -> int:
    """Print one ``error:`` line on stderr and return exit code 2."""
    return print_error(" ".join(message.split()))


def run(args: argparse.Namespace) -> int:
    """Dispatch ``jcalc catalog SUBCOMMAND``; without one, print the help."""
    handlers = {
        "build": run_build,
        "info": run_info,
        "report": run_report,
        "update": run_update,
        "diff": run_diff,
        "restore": run_restore,
        "which": run_which,
    }
    command = getattr(args, "catalog_command", None)
    if command in handlers:
        return handlers[command](args)
    parser = getattr(args, "catalog_parser", None)
    if isinstance(parser, argparse.ArgumentParser):
        parser.print_help(sys.stderr)
    return 2


def _flag_for(args: argparse.Namespace, path: Path) -> str:
    """The ``--flag`` whose value is ``path`` ("" when none is)."""
    for name in (*_INPUT_FLAGS, "aliases"):
        given = getattr(args, name, None)
        if given is not None and Path(given) == path:
            return f"--{name} "
    return ""


def _check_inputs(args: argparse.Namespace) -> str | None:
    """A problem with the given paths that the readers would hit later, or None."""
    for name in (*_INPUT_FLAGS, "aliases"):
        path: Path | None = getattr(args, name, None)
        if path is None:
            continue
        if not path.exists():
            return f"--{name} {path}: file not found"
        if not path.is_file():
            return f"--{name} {path}: not a file"
    out: Path = args.out
    if out.is_dir():
        return f"--out {out}: is a directory; give a file name such as catalog.sqlite"
    directory = out.parent
    if not directory.is_dir():
        return f"--out {out}: the folder {directory} does not exist"
    seen: dict[Path, str] = {}
    for name in _INPUT_FLAGS:
        resolved = Path(getattr(args, name)).resolve()
        if resolved in seen:
            return f"--{name} {getattr(args, name)}: the same file was given to --{seen[resolved]}"
        seen[resolved] = name
    if out.resolve() in seen:
        return f"--out {out}: is one of the input files"
    return None


def format_summary(summary: BuildSummary) -> str:
    """The few lines ``catalog build`` prints."""
    return "\n".join(
        [
            f"catalog written: {summary.out}",
            f"  codes {summary.codes} (J {summary.j_codes}, active J {summary.active_j_codes}), "
            f"NDCs {summary.ndcs}, other product identifiers {summary.alternate_products}, "
            f"MUE {summary.mue_rows}, aliases {summary.aliases}",
            f"  descriptors read for {summary.parsed} of {summary.active_j_codes} active J codes "
            f"({summary.parse_rate * 100:.1f}%), {summary.per_amount} per amount or up to",
            f"  built in {summary.seconds:.1f} s",
            "  rows of the CMS files:",
            *(f"    {line}" for line in summary.skip_lines()),
            *(f"  warning: {warning}" for warning in summary.warnings),
        ]
    )


def run_build(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog build``; bad input becomes one ``error:`` line and exit code 2."""
    problem = _check_inputs(args)
    if problem:
        return _error(problem)
    try:
        summary = build_catalog(
            hcpcs=args.hcpcs,
            asp=args.asp,
            crosswalk=args.crosswalk,
            mue=args.mue,
            out=args.out,
            aliases=args.aliases,
        )
    except SourceFileError as error:
        return _error(f"{_flag_for(args, error.path)}{error.path}: {error.problem}")
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        reason = error.strerror or str(error)
        if error.filename and _flag_for(args, Path(error.filename)):
            return _error(f"{_flag_for(args, Path(error.filename))}{error.filename}: {reason}")
        target = error.filename or args.out
        return _error(f"--out {args.out}: cannot write ({target}: {reason})")
    print(format_summary(summary))
    return 0


def format_info(info: CatalogInfo) -> str:
    """``catalog info`` as text."""

    def iso(value: object) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else "unknown"

    lines = [
        f"catalog: {info.path}",
        f"  schema version {info.schema_version}, built {iso(info.built_at)}",
        f"  ASP quarter {info.asp_quarter or 'unknown'}: "
        f"{iso(info.asp_effective_from)} to {iso(info.asp_effective_to)}",
        f"  crosswalk: {iso(info.crosswalk_effective_from)} to {iso(info.crosswalk_effective_to)}",
        f"  HCPCS release {info.hcpcs_release or 'unknown'}, "
        f"MUE quarter {info.mue_quarter or 'unknown'}",
        "  ASP quarters held (dates of service are priced with their own quarter):",
        *(f"    {q.describe()}: {q.source or 'source unknown'}" for q in info.asp_quarters),
        "  sources:",
        *(f"    {name}: {source or 'unknown'}" for name, source in info.sources.items()),
        "  counts:",
        *(f"    {name}: {count}" for name, count in info.counts.items()),
    ]
    return "\n".join(lines)


_T = TypeVar("_T")


def _read_catalog(path: Path | None, read: Callable[[Catalog], _T]) -> _T | int:
    """``read`` applied to the chosen catalog, or the exit code after one ``error:`` line."""
    try:
        with open_chosen_catalog(path) as catalog:
            return read(catalog)
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"{error.filename or path}: {error.strerror or error}")


def run_info(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog info``."""
    info = _read_catalog(args.catalog, lambda catalog: catalog.info())
    if isinstance(info, int):
        return info
    if args.json:
        print(json.dumps(info.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_info(info))
    return 0


def format_report(report: CatalogReport) -> str:
    """``catalog report`` as text: the figures, then every exception."""
    lines = [
        f"active J codes: {report.active_j_codes}",
        f"  readable descriptor: {report.numeric} ({report.parse_rate * 100:.1f}%; "
        f"target 98%: {'met' if report.meets_target else 'NOT met'})",
        f"  per amount or up to: {report.per_amount}, per vial: {report.per_vial}, "
        f"per dose: {report.per_dose}",
        f"unreadable descriptors ({len(report.unparsed)}): the biller enters the units",
        *(f"  {item.hcpcs}  {item.long_description}  [{item.reason}]" for item in report.unparsed),
        f"HCPCS and ASP disagree ({len(report.disagreements)}):",
        *(
            f"  {item.hcpcs}  HCPCS '{item.long_description}' -> {item.hcpcs_reading}; "
            f"ASP '{item.asp_dosage}' -> {item.asp_reading}"
            for item in report.disagreements
        ),
        f"combination products ({len(report.combination_notes)}):",
        *(f"  {item.hcpcs}  {item.note}" for item in report.combination_notes),
        "rows of the CMS files (every skipped row):",
        *(
            line
            for item in report.skip_reports
            for line in [
                f"  {item.summary_lines(0)[0]}",
                *(f"    {row.reason}: {row.sentence()}" for row in item.skipped),
            ]
        ),
    ]
    return "\n".join(lines)


def run_report(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog report``."""
    report = _read_catalog(args.catalog, build_report)
    if isinstance(report, int):
        return report
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


# ---------------------------------------------------------------- the catalog in use


def _register_library_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``update``, ``diff``, ``restore`` and ``which``."""
    update = commands.add_parser(
        "update",
        help="update the catalog in use from a new quarter's CMS files",
        description="Read the CMS files of a new quarter (any of the HCPCS file, ASP file, "
        "crosswalk and MUE table; zips as published or their files), build a new catalog, show "
        "what changes and switch to it. Kinds not given are kept from the catalog in use. The "
        "catalog in use until now stays available through 'jcalc catalog restore'.",
    )
    update.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CMS file or zip")
    update.add_argument(
        "--yes",
        action="store_true",
        help="switch without asking (needed without a terminal, and for files older than the "
        "catalog in use)",
    )
    update.add_argument(
        "--all", action="store_true", help="list every change, not the first 10 of each kind"
    )
    update.set_defaults(handler=run_update, catalog_command="update")

    diff = commands.add_parser(
        "diff",
        help="what changes between two catalog files",
        description="Codes added and terminated, descriptors, payment limits (largest change "
        "first) and MUEs that differ between OLD and NEW, and the clinic's codes affected.",
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the older catalog file")
    diff.add_argument("new", type=Path, metavar="NEW", help="the newer catalog file")
    diff.add_argument("--json", action="store_true", help="print one JSON object")
    diff.add_argument("--all", action="store_true", help="list every change")
    diff.set_defaults(handler=run_diff, catalog_command="diff")

    restore = commands.add_parser(
        "restore",
        help="go back to the previous or the bundled catalog",
        description="Use the previous catalog again (default), or the catalog bundled with "
        "jcalc (also the way out when the updated catalog is damaged).",
    )
    which = restore.add_mutually_exclusive_group()
    which.add_argument(
        "--previous", action="store_true", help="the catalog in use before (default)"
    )
    which.add_argument("--bundled", action="store_true", help="the catalog bundled with jcalc")
    restore.set_defaults(handler=run_restore, catalog_command="restore")

    show = commands.add_parser(
        "which",
        help="which catalog is in use, and its quarter",
        description="The catalog file in use, what it was built from, and why the updated "
        "catalog is not used when it cannot be.",
    )
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(handler=run_which, catalog_command="which")


def _clinic_codes() -> ClinicData | None:
    """The clinic's data for the diff, when the clinic database exists and opens."""
    if not database_path().exists():
        return None
    try:
        store = ClinicStore.open()
    except JcalcError:
        return None
    try:
        return store.snapshot()
    except JcalcError:
        return None
    finally:
        store.close()


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but y/yes is no."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _progress_printer() -> Progress | None:
    """Stage lines on stderr when it is a terminal (nothing in scripts and tests)."""
    stream = sys.stderr
    if stream is None or not stream.isatty():
        return None
    last: list[str] = [""]

    def show(stage: str, fraction: float) -> None:
        if stage != last[0]:
            last[0] = stage
            print(f"  {fraction * 100:3.0f}%  {stage}", file=stream)

    return show


def _update_error(error: BaseException) -> int:
    if isinstance(error, SourceFileError):
        return _error(f"{error.path}: {error.problem}")
    if isinstance(error, OSError):
        return _error(f"{error.filename or 'catalog'}: {error.strerror or error}")
    return _error(str(error))


def run_update(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog update``: plan, build, show the changes, ask, switch."""
    for path in args.files:
        if not path.exists():
            return _error(f"{path}: file not found")
        if not path.is_file():
            return _error(f"{path}: not a file")
    progress = _progress_printer()
    try:
        plan = plan_update(args.files, progress=progress)
    except (JcalcError, OSError) as error:
        return _update_error(error)
    print("\n".join(plan.summary_lines()))
    if plan.needs_confirmation and not args.yes:
        return _error(
            "some files are older than the catalog in use ("
            + "; ".join(plan.reasons)
            + "); run again with --yes to use them anyway"
        )
    if not args.yes and not _stdin_is_terminal():
        return _error(
            "not switching catalogs without confirmation: there is no terminal to ask on; "
            "run again with --yes"
        )
    try:
        prepared = build_update(plan, progress=progress, clinic=_clinic_codes())
    except (JcalcError, OSError) as error:
        return _update_error(error)
    try:
        print(f"new catalog built in {prepared.summary.seconds:.1f} s; changes:")
        print("\n".join(f"  {line}" for line in prepared.diff.summary_lines(0 if args.all else 10)))
        print("rows of the CMS files:")
        print("\n".join(f"  {line}" for line in prepared.summary.skip_lines()))
        for warning in prepared.summary.warnings:
            print(f"  warning: {warning}")
        if not args.yes and not _ask("Switch to the new catalog?"):
            discard_update(prepared)
            print("not switched: the catalog in use is unchanged")
            return 1
        active = commit_update(prepared, accept_older=args.yes)
    except (JcalcError, OSError) as error:
        discard_update(prepared)
        return _update_error(error)
    except BaseException:
        discard_update(prepared)
        raise
    print(f"now in use: {active.describe()}")
    print("the previous catalog is kept: 'jcalc catalog restore' brings it back")
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog diff OLD NEW``."""
    try:
        with open_catalog(args.old) as old, open_catalog(args.new) as new:
            diff = diff_catalogs(old, new, clinic=_clinic_codes())
    except JcalcError as error:
        return _error(str(error))
    except (OSError, sqlite3.Error) as error:
        return _error(f"cannot compare the catalogs: {error}")
    if args.json:
        print(json.dumps(diff.to_json(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(diff.summary_lines(0 if args.all else 10)))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog restore [--previous | --bundled]``."""
    try:
        active = restore_bundled() if args.bundled else restore_previous()
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"cannot change the catalog in use: {error.strerror or error}")
    print(f"now in use: {active.describe()}")
    return 0


def run_which(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog which``."""
    try:
        active = active_catalog()
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"cannot read the catalog folder: {error.strerror or error}")
    if args.json:
        print(json.dumps(active.to_json(), indent=2, ensure_ascii=False))
        return 0
    print(active.status_text)
    print(f"  file: {active.path}")
    print(f"  built from: {catalog_label(active.info)}")
    if active.problem:
        print(f"  note: {active.problem}")
    if active.previous:
        print("  a previous catalog can be restored: jcalc catalog restore")
    return 0
