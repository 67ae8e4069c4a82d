"""Fuzz ``jcalc clinic import``: a valid export with hostile values, hostile JSON and raw bytes
all end in exit 0 or one ``error:`` line (exit 2); a refused file changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.contract import fuzz_settings, run_cli
from tests.fuzz.strategies import hostile_text, number

VALID: dict[str, Any] = {
    "format": "jcalc-clinic-data",
    "version": 1,
    "settings": {"clinic_name": "Main Street", "patient_field": False, "printing": {}},
    "codes": [
        {"code": "J9312", "charge_per_unit": "12.50", "default_ndc": "50242-0053-06",
         "container_type": "single-dose", "favourite": True, "note": "ok"},
    ],
    "ndc_qualifiers": [{"ndc": "50242-0053-06", "qualifier": "ML"}],
}  # fmt: skip

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        hostile_text,
        number,
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PATHS = [
    ("format",), ("version",), ("settings",), ("settings", "clinic_name"),
    ("settings", "patient_field"), ("settings", "printing"), ("codes",), ("codes", 0),
    ("codes", 0, "code"), ("codes", 0, "charge_per_unit"), ("codes", 0, "default_ndc"),
    ("codes", 0, "container_type"), ("codes", 0, "favourite"), ("codes", 0, "note"),
    ("ndc_qualifiers",), ("ndc_qualifiers", 0, "ndc"), ("ndc_qualifiers", 0, "qualifier"),
]  # fmt: skip


def _replaced(path: tuple[str | int, ...], value: object) -> object:
    content: Any = json.loads(json.dumps(VALID))
    target = content
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return content


@st.composite
def import_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 4))
    if kind <= 1:  # the real format, one value made hostile
        content = _replaced(draw(st.sampled_from(PATHS)), draw(json_values))
        text = json.dumps(content, ensure_ascii=draw(st.booleans()))
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8
    if kind == 2:  # deep nesting or a long number in the real format
        depth = draw(st.integers(1, 3000))
        inner = draw(st.sampled_from(["[", '{"a":']))
        closing = "]" if inner == "[" else "}"
        nested = inner * depth + "1" + closing * depth
        big = "9" * draw(st.integers(1, 6000))
        text = json.dumps(VALID).replace('"version": 1', f'"version": {big}', 1)
        return draw(st.sampled_from([nested, text])).encode("utf-8")
    if kind == 3:  # a valid file cut short or with bytes flipped
        data = bytearray(json.dumps(VALID).encode("utf-8"))
        for _ in range(draw(st.integers(0, 3))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data[: draw(st.integers(0, len(data)))])
    return draw(st.binary(max_size=300))


@fuzz_settings(100)
@given(data=import_files())
def test_clinic_import_keeps_the_contract(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "clinic-data.json"
    source.write_bytes(data)
    before = run_cli(["clinic", "show", "--json"], target=None)[1]
    what = f"jcalc clinic import FILE ({len(data)} bytes: {data[:60]!r})"
    code, _out, _err = run_cli(["clinic", "import", str(source)], "clinic import", what)
    if code == 2:  # refused: nothing changed
        assert run_cli(["clinic", "show", "--json"], target=None)[1] == before
