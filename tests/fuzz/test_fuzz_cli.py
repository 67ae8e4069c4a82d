"""Fuzz the ``jcalc`` entry point in-process (per-user folders at tmp_path, the bundled catalog):
every command line exits 0 or 2 with at most one ``error:`` line, no traceback, no control
characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.contract import fuzz_settings, run_cli
from tests.fuzz.strategies import amount, concentration, hostile_text, number

codes = st.sampled_from(["J9312", "j9312", "J1100", "J3490", "J9310", "Q5115", "J0000", "X", ""])
code_arg = st.one_of(codes, hostile_text)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-13-45", "2026-02-30", "0000-00-00", "9999-12-31", "today", ""]),
    hostile_text,
)
whole = st.one_of(number, hostile_text, st.integers(-5, 10**12).map(str))
ndcs = st.one_of(
    st.sampled_from(["50242-0053-06", "50242005306", "5024-053-6", "00000-0000-00"]), hostile_text
)


def _options(draw: st.DrawFn) -> list[str]:
    chosen: list[str] = []
    for name, values in (
        ("--date", dates),
        ("--units", whole),
        ("--package", amount),
        ("--ndc", ndcs),
        ("--concentration", concentration),
        ("--qualifier", st.one_of(st.sampled_from(["UN", "ML", "GR", "F2", "ME"]), hostile_text)),
        ("--drug-name", hostile_text),
    ):
        if draw(st.booleans()) and draw(st.booleans()):
            chosen += [name, draw(values)]
    for flag in ("--single-dose", "--multi-dose", "--json", "--no-clinic-data"):
        if draw(st.integers(0, 3)) == 0:
            chosen.append(flag)
    return chosen


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["calc", "calc", "calc", "search", "history", "clinic", "other"]))
    if kind == "calc":
        return ["calc", draw(code_arg), draw(amount), *_options(draw)]
    if kind == "search":
        args = ["search", draw(st.one_of(hostile_text, codes, st.text(max_size=30)))]
        if draw(st.booleans()):
            args += ["--limit", draw(whole)]
        return args + (["--json"] if draw(st.booleans()) else [])
    if kind == "history":
        return draw(
            st.one_of(
                st.tuples(st.just("list"), st.just("--limit"), whole).map(list),
                st.tuples(st.just("list"), st.just("--since"), dates).map(list),
                st.tuples(st.just("show"), whole).map(list),
            ).map(lambda rest: ["history", *rest])
        )
    if kind == "clinic":
        return draw(
            st.one_of(
                st.tuples(st.just("set-charge"), code_arg, st.one_of(number, hostile_text)),
                st.tuples(st.just("note"), code_arg, hostile_text),
                st.tuples(st.just("set-name"), hostile_text),
                st.tuples(st.just("set-qualifier"), ndcs, hostile_text),
                st.tuples(st.just("set-ndc"), code_arg, ndcs),
                st.tuples(st.just("show"), code_arg),
            ).map(lambda rest: ["clinic", *rest])
        )
    return draw(
        st.lists(
            st.one_of(hostile_text, st.sampled_from(["--", "-", "-5mg", "--units"])),
            min_size=1,
            max_size=4,
        )
    )


@fuzz_settings(150)
@given(args=command_lines())
def test_every_command_line_keeps_the_contract(args: list[str]) -> None:
    run_cli(args)


def test_shown_text_comes_back_escaped() -> None:
    """What the clinic saved with control characters is shown escaped, never raw."""
    assert run_cli(["clinic", "note", "J9312", "line one\nline two\x1b[2J"])[0] == 0
    code, out, _err = run_cli(["clinic", "show", "J9312"])
    assert code == 0 and "\x1b" not in out and "\\u001b[2J" in out
