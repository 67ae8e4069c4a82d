"""The ``jcalc`` command: the same engine as the window, for scripting and tests.

:func:`main` is the one error path of the command line: bad input of any kind (a
:class:`~jcalc.core.errors.JcalcError`, a decimal, overflow, recursion, memory or OS error, an
argparse mistake) becomes one ``error:`` line with control characters escaped and exit code 2;
an unexpected bug becomes one line pointing at the log file that holds its traceback (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from jcalc import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from jcalc.commands import calc, catalog, clinic, history, search
    from jcalc.commands.arguments import ArgumentParser

    parser: argparse.ArgumentParser = ArgumentParser(
        prog="jcalc",
        description="Drug dose to HCPCS billing units and claim lines. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"jcalc {__version__}")
    checks = parser.add_mutually_exclusive_group()
    checks.add_argument(
        "--self-test",
        action="store_true",
        help="check the bundled catalog, known cases and PDF output, then exit (0 = all passed)",
    )
    checks.add_argument(
        "--startup-probe",
        action="store_true",
        help="open the window, print the milliseconds to its first frame, then exit",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    calc.register(subparsers)
    search.register(subparsers)
    catalog.register(subparsers)
    clinic.register(subparsers)
    history.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    from jcalc.console import ensure_streams

    ensure_streams()  # a windowed Windows build starts without stdout/stderr
    # The window's paths come first and skip the parser: building it imports every command.
    if not args_list:
        from jcalc.ui.app import run_app  # Qt only when the window opens

        return run_app(sys.argv[:1])
    if args_list == ["--startup-probe"]:
        from jcalc.startup_probe import run_startup_probe

        return run_startup_probe(sys.argv[:1])
    from jcalc.console import escaped_output

    with escaped_output():
        return _run_command(args_list)


def _run_command(args_list: list[str]) -> int:
    """Parse and run one command; every failure becomes one ``error:`` line."""
    from jcalc.console import describe_failure, print_error, report_bug

    try:
        return _parse_and_run(args_list)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`jcalc … | head`): nothing left to say
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except SystemExit as stop:  # --help and --version
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else print_error(str(code)))
    except BaseException as error:
        plain = describe_failure(error)
        if plain is None:
            if not isinstance(error, Exception):
                raise
            return report_bug(error)
        return print_error(plain)


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a pipe's reader going away


def _silence_stdout() -> None:
    """Point stdout at the null device so flushing it at exit cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass


def _parse_and_run(args_list: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.self_test:
        from jcalc.selftest import run_self_test

        return run_self_test()
    if args.startup_probe:
        from jcalc.startup_probe import run_startup_probe

        return run_startup_probe(sys.argv[:1])
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    return int(handler(args))
