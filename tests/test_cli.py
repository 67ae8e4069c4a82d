"""The command line's one error path: one escaped ``error:`` line and exit 2 for bad input of any
kind, one line and a pointer to the log for a bug, argparse's messages on the same contract."""

from __future__ import annotations

import decimal
import os
from pathlib import Path

import pytest

from jcalc import cli
from jcalc.commands import search as search_command


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str, *expected: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "usage:" not in err
    for text in expected:
        assert text in err, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calc", "J9312", "4 mg", "--date", "2026-13-45"], "--date: '2026-13-45' is not a date"),
        (["calc", "J9312", "4 mg", "--units", "abc"], "--units: 'abc' is not a whole number"),
        (["history", "list", "--limit", "abc"], "--limit: 'abc' is not a whole number"),
        (["search", "x", "--limit", "0"], "must be at least 1"),
        (["search", "x", "--limit", "9" * 40], "is too large"),
        (["calc"], "required: code"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["calc", "J9312", "4 mg", "--no-such-option"], "unrecognized arguments"),
        (["clinic", "patient-field", "maybe"], "invalid choice: 'maybe'"),
    ],
)
def test_argparse_mistakes_are_one_line_without_usage(capsys, args, expected) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    one_error_line(err, expected)


def test_a_negative_looking_dose_reaches_the_dose_parser(capsys) -> None:
    code, _out, err = run(capsys, "calc", "J9312", "-5mg")
    assert code == 2
    one_error_line(err, "'-5mg'")
    assert "unrecognized arguments" not in err


def test_control_characters_and_newlines_are_escaped(capsys) -> None:
    code, _out, err = run(capsys, "calc", "J9312", "4\nmg\x1b[31m\u202e")
    assert code == 2
    one_error_line(err, "4\\nmg\\u001b[31m\\u202e")
    assert "\x1b" not in err and "\u202e" not in err


def test_help_and_version_exit_0(capsys) -> None:
    assert run(capsys, "--version")[:2] == (0, "jcalc 0.1.0\n")
    code, out, _err = run(capsys, "calc", "--help")
    assert code == 0 and "usage: jcalc calc" in out


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (decimal.InvalidOperation(), "a number is out of the range"),
        (decimal.Overflow(), "a number is out of the range"),
        (OverflowError("int too large"), "a number is out of the range"),
        (RecursionError(), "nested too deeply"),
        (MemoryError(), "not enough memory"),
        (OSError(28, "No space left on device", "/x/y"), "/x/y: No space left on device"),
        (ValueError("Exceeds the limit (4300 digits) for integer string conversion"), "digits"),
    ],
)
def test_resource_and_number_errors_become_one_line(capsys, monkeypatch, error, expected) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(search_command, "search", fail)
    code, out, err = run(capsys, "search", "rituximab")
    assert (code, out) == (2, "")
    one_error_line(err, expected)


def test_a_bug_is_one_line_pointing_at_the_logged_traceback(capsys, monkeypatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(search_command, "search", fail)
    code, out, err = run(capsys, "search", "rituximab")
    assert (code, out) == (1, "")
    one_error_line(err, "internal error (KeyError)", "jcalc.log")
    log = Path(os.environ["JCALC_DATA_DIR"]) / "jcalc.log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError: 'a bug'" in text
    if os.name == "posix":
        assert log.stat().st_mode & 0o777 == 0o600


def test_output_of_user_text_is_escaped(capsys, monkeypatch) -> None:
    monkeypatch.setattr(search_command, "search", lambda *_args, **_kwargs: [])
    code, out, err = run(capsys, "search", "zzqx\x1b]0;owned\x07")
    assert code == 0, err
    assert out == "no drug matches 'zzqx\\u001b]0;owned\\u0007'\n"


def test_a_reader_that_goes_away_ends_the_command_quietly(monkeypatch, capsys) -> None:
    """`jcalc catalog info | head -1`: a closed pipe is no error to report, and no traceback."""
    import sys

    from jcalc import cli

    class ClosedPipe:
        def write(self, _text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    silenced = []
    monkeypatch.setattr(cli, "_silence_stdout", lambda: silenced.append(True))
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.main(["catalog", "info"]) == cli.EXIT_BROKEN_PIPE
    assert silenced == [True]
    assert capsys.readouterr().err == ""
