"""The argument parser and argument types shared by the subcommands.

:class:`ArgumentParser` keeps argparse's messages to the command line's contract: a mistake is
one ``error:`` line and exit code 2 (no usage block), and a dose such as ``-5mg`` reaches the dose
parser instead of being taken for an unknown option.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import Any, Final, NoReturn

from jcalc.core.errors import InputError

MAX_WHOLE_NUMBER: Final = 1_000_000_000
MAX_ECHO: Final = 40
# "-5mg", "-0.5 mL", "-.5": a (negative) amount, never an option name.
_NEGATIVE_LOOKING: Final = re.compile(r"^-[\d.]")


class UsageError(InputError):
    """The command line itself is wrong (unknown option, bad value, missing argument)."""


def _echo(text: str) -> str:
    """``text`` shortened for a message (the boundary escapes its control characters)."""
    text = text.strip()
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors (raised as :class:`UsageError`) and amounts like ``-5mg``.

    Subparsers created from it are of the same class, so every subcommand behaves the same.
    """

    def error(self, message: str) -> NoReturn:
        """Raise UsageError: the boundary prints it as one ``error:`` line, exit code 2."""
        lost = "required" in message or "choice" in message
        hint = f" (see '{self.prog} --help')" if lost else ""
        raise UsageError(f"{message}{hint}")

    def _parse_optional(self, arg_string: str) -> Any:
        # A negative-looking amount is a positional value (the dose parser rejects it clearly).
        if _NEGATIVE_LOOKING.match(arg_string):
            return None
        return super()._parse_optional(arg_string)


def positive_int(text: str) -> int:
    """A whole number from 1 to 1,000,000,000."""
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in ("+", "-") else stripped
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(f"'{_echo(text)}' is not a whole number")
    if stripped.startswith("-") or not digits.strip("0"):
        raise argparse.ArgumentTypeError(f"'{_echo(text)}' must be at least 1")
    digits = digits.lstrip("0")
    if len(digits) > len(str(MAX_WHOLE_NUMBER)) or int(digits) > MAX_WHOLE_NUMBER:
        raise argparse.ArgumentTypeError(
            f"'{_echo(text)}' is too large (at most {MAX_WHOLE_NUMBER:,})"
        )
    return int(digits)


def iso_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{_echo(text)}' is not a date; use YYYY-MM-DD, such as 2026-03-15"
        ) from None
