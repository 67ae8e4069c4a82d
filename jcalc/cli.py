"""The ``jcalc`` command: the same engine as the window, for scripting and tests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from jcalc import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from jcalc.commands import calc, catalog, search

    parser = argparse.ArgumentParser(
        prog="jcalc",
        description="Drug dose to HCPCS billing units and claim lines. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"jcalc {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    calc.register(subparsers)
    search.register(subparsers)
    catalog.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list:
        parser.print_help()
        return 0
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
