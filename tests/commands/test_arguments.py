"""Argument types and the parser class shared by the subcommands."""

from __future__ import annotations

import argparse

import pytest

from jcalc.commands.arguments import ArgumentParser, UsageError, iso_date, positive_int


@pytest.mark.parametrize(
    ("text", "value"), [("5", 5), ("+5", 5), (" 0007 ", 7), ("1000000000", 10**9)]
)
def test_positive_int_accepts(text: str, value: int) -> None:
    assert positive_int(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not a whole number"),
        ("٣", "is not a whole number"),  # a digit, but not one anybody types as a count
        ("1.5", "is not a whole number"),
        ("", "is not a whole number"),
        ("0", "must be at least 1"),
        ("-5", "must be at least 1"),
        ("1000000001", "is too large"),
        ("9" * 5000, "is too large"),
    ],
)
def test_positive_int_refuses(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message) as caught:
        positive_int(text)
    assert len(str(caught.value)) < 120  # long input is shortened in the message


def test_iso_date() -> None:
    assert iso_date(" 2026-02-02 ").isoformat() == "2026-02-02"
    with pytest.raises(argparse.ArgumentTypeError, match="'2026-13-45' is not a date"):
        iso_date("2026-13-45")


def test_parser_raises_one_line_and_keeps_negative_amounts_positional() -> None:
    parser = ArgumentParser(prog="jcalc")
    parser.add_argument("dose")
    parser.add_argument("--units", type=positive_int)
    assert parser.parse_args(["-5mg"]).dose == "-5mg"
    assert parser.parse_args(["-.5 mL"]).dose == "-.5 mL"
    with pytest.raises(UsageError, match="argument --units: 'x' is not a whole number"):
        parser.parse_args(["5 mg", "--units", "x"])
    sub = parser.add_subparsers().add_parser("calc")
    assert isinstance(sub, ArgumentParser)  # subcommands share the behaviour
