"""The contract every fuzz example is held to, and the counts the session reports.

Bad input exits 2 with at most one ``error:`` line, never a traceback, never control characters
in the output; good input exits 0. :data:`STATS` counts the examples and keeps the slowest
rejection (printed at the end of the test session by ``tests/fuzz/conftest.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import unicodedata
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings

from jcalc import cli


def fuzz_scale() -> int:
    """``JCALC_FUZZ_SCALE`` (default 1): a deeper run multiplies every test's examples by it."""
    text = os.environ.get("JCALC_FUZZ_SCALE", "1")
    return int(text) if text.isdigit() and 0 < int(text) <= 1000 else 1


def fuzz_settings(examples: int) -> settings:
    """Bounded for CI: ``examples`` per test, 2 s per example, no example database on disk.

    ``JCALC_FUZZ_SCALE=20 pytest tests/fuzz`` runs twenty times as many, outside CI.
    """
    return settings(
        max_examples=examples * fuzz_scale(),
        deadline=2000,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@dataclass
class Stats:
    """Examples run per target and the slowest rejection seen."""

    examples: dict[str, int] = field(default_factory=dict)
    rejections: int = 0
    slowest_seconds: float = 0.0
    slowest_input: str = ""

    def record(self, target: str, seconds: float, rejected: bool, what: str) -> None:
        """Count one example; remember it when it is the slowest rejection so far."""
        self.examples[target] = self.examples.get(target, 0) + 1
        if rejected:
            self.rejections += 1
            if seconds > self.slowest_seconds:
                self.slowest_seconds, self.slowest_input = seconds, what


STATS = Stats()
_ALLOWED_CONTROLS = frozenset("\n")


def unsafe_characters(text: str) -> list[str]:
    """Control, format, separator and surrogate characters that reached the output."""
    return [
        char
        for char in text
        if char not in _ALLOWED_CONTROLS
        and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        and char != "\t"
    ]


def assert_contract(code: int, out: str, err: str) -> None:
    """Exit 0 or 2; on 2 exactly one ``error:`` line; no traceback; no control characters."""
    assert code in (0, 2), (code, err)
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) <= 1, err
    if code == 2:
        assert len(error_lines) == 1, err
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "internal error" not in err, err
    assert not unsafe_characters(out), repr(out[:300])
    assert not unsafe_characters(err), repr(err[:300])


def run_cli(args: list[str], target: str | None = "cli", what: str = "") -> tuple[int, str, str]:
    """``jcalc ARGS`` in this process; checks the contract and counts the example.

    ``target`` None: not a fuzz example (a set-up or check step), not counted.
    """
    assert args, "no arguments would open the window"
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    seconds = time.perf_counter() - started
    if target is not None:
        shown = what or "jcalc " + " ".join(repr(arg) for arg in args)
        STATS.record(target, seconds, code != 0, shown)
    assert_contract(code, out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


def timed_rejection(target: str, what: str, action: object) -> bool:
    """Run ``action()``; True when it raised a JcalcError (a rejection), counted either way."""
    from jcalc.core.errors import JcalcError

    started = time.perf_counter()
    rejected = False
    try:
        action()  # type: ignore[operator]
    except JcalcError:
        rejected = True
    finally:
        STATS.record(target, time.perf_counter() - started, rejected, what)
    return rejected
