"""``jcalc catalog build | info | report``: make the catalog from the CMS files and inspect it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Final

from jcalc.catalog.build import BuildSummary, build_catalog
from jcalc.catalog.report import CatalogReport, build_report
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.store import CatalogInfo, open_catalog
from jcalc.core.errors import JcalcError

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
    info.add_argument("--catalog", type=Path, help="catalog file (default: the bundled one)")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=run_info, catalog_command="info")

    report = commands.add_parser(
        "report",
        help="descriptor parse rate and every exception",
        description="How many active J codes have a readable dosage descriptor; lists the "
        "unreadable ones, HCPCS/ASP disagreements and combination products.",
    )
    report.add_argument("--catalog", type=Path, help="catalog file (default: the bundled one)")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.set_defaults(handler=run_report, catalog_command="report")


def _error(message: str) -> int:
    """Print one ``error:`` line on stderr and return exit code 2."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Dispatch ``jcalc catalog SUBCOMMAND``; without one, print the help."""
    handlers = {"build": run_build, "info": run_info, "report": run_report}
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
            f"NDCs {summary.ndcs}, MUE {summary.mue_rows}, aliases {summary.aliases}",
            f"  descriptors read for {summary.parsed} of {summary.active_j_codes} active J codes "
            f"({summary.parse_rate * 100:.1f}%), {summary.per_amount} per amount or up to",
            f"  built in {summary.seconds:.1f} s",
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
        "  sources:",
        *(f"    {name}: {source or 'unknown'}" for name, source in info.sources.items()),
        "  counts:",
        *(f"    {name}: {count}" for name, count in info.counts.items()),
    ]
    return "\n".join(lines)


def run_info(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog info``."""
    try:
        with open_catalog(args.catalog) as catalog:
            info = catalog.info()
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"{error.filename or args.catalog}: {error.strerror or error}")
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
    ]
    return "\n".join(lines)


def run_report(args: argparse.Namespace) -> int:
    """Handle ``jcalc catalog report``."""
    try:
        with open_catalog(args.catalog) as catalog:
            report = build_report(catalog)
    except JcalcError as error:
        return _error(str(error))
    except OSError as error:
        return _error(f"{error.filename or args.catalog}: {error.strerror or error}")
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0
