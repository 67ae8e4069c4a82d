"""Console text helpers: escaping, the one ``error:`` line, plain words for non-bug errors."""

from __future__ import annotations

import decimal

from jcalc.console import describe_failure, error_line, escape_control
from jcalc.core.errors import InputError


def test_escape_control_makes_everything_visible_on_one_line() -> None:
    assert escape_control("a\nb\tc\rd\x1b\x7f\u0085\u2028\u202e\udcff") == (
        "a\\nb\\tc\\rd\\u001b\\u007f\\u0085\\u2028\\u202e\\udcff"
    )
    assert escape_control("450 mg ÷ 10 mg − ok") == "450 mg ÷ 10 mg − ok"
    assert escape_control("two\nlines\t", keep="\n\t") == "two\nlines\t"


def test_error_line_is_one_line_and_bounded() -> None:
    line = error_line("bad\ndose " + "9" * 5000)
    assert line.startswith("error: bad\\ndose 999") and "\n" not in line
    assert len(line) < 700 and line.endswith("…")


def test_describe_failure_separates_bad_input_from_bugs() -> None:
    assert describe_failure(InputError("the dose is empty")) == "the dose is empty"
    assert describe_failure(decimal.DivisionByZero()) is not None
    assert describe_failure(FileNotFoundError(2, "No such file", "f.json")) == (
        "f.json: No such file"
    )
    assert describe_failure(KeyError("x")) is None
    assert describe_failure(ValueError("some other bug")) is None
