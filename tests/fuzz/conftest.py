"""Fuzz tests: hypothesis settings bounded for CI, and the session's fuzz figures."""

from __future__ import annotations

import pytest

from tests.fuzz.contract import STATS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line with the fuzz examples run and the slowest rejection."""
    if not STATS.examples:
        return
    total = sum(STATS.examples.values())
    parts = ", ".join(f"{name} {count}" for name, count in sorted(STATS.examples.items()))
    terminalreporter.write_line(
        f"fuzz: {total} examples ({parts}); {STATS.rejections} rejected; slowest rejection "
        f"{STATS.slowest_seconds * 1000:.1f} ms: {STATS.slowest_input[:200]}"
    )
