"""Hypothesis strategies for hostile input: numbers, units, doses, text with control characters.

Exponents stay within ±30 here: the far larger ones of issue 11 (``1e-999999999``) are in the
corpus (``test_corpus.py``), run in a subprocess with a time and memory limit.
"""

from __future__ import annotations

from hypothesis import strategies as st

UNITS = ["mg", "mcg", "g", "mL", "ml", "L", "units", "unit", "IU", "mEq", "mmol", "vials", "doses",
         "cc", "kg", "mg/mL", "µg", "MG", "furlongs", "", "%"]  # fmt: skip
HOSTILE = ["\n", "\r", "\t", "\x00", "\x1b[31m", "\x07", "\x7f", "\u0085", "\u2028", "\u202e",
           "\ufeff", "\udcff", "٣", "½", "①", "\xa0", "-", "+", "--", "..", ",", "e", "E", "/",
           "'", '"', "\\", "%s", "{}", "NaN", "Infinity", "inf", "thousand", "million"]  # fmt: skip

digits = st.text(alphabet="0123456789", min_size=1, max_size=40)
exponent = st.integers(min_value=-30, max_value=30).map(lambda e: f"e{e}")
number = st.one_of(
    digits,
    st.tuples(digits, digits).map(lambda p: f"{p[0]}.{p[1]}"),
    st.tuples(digits, exponent).map("".join),
    st.tuples(st.sampled_from(["-", "+", ".", "-.", "0.", ""]), digits).map("".join),
    st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: f"{n:,}"),
)
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6).filter(lambda t: "e" not in t.lower())),
    max_size=6,
).map("".join)
amount = st.one_of(
    st.tuples(number, st.sampled_from(["", " ", "  ", "\xa0"]), st.sampled_from(UNITS)).map(
        "".join
    ),
    st.tuples(number, st.sampled_from(UNITS), hostile_text).map(" ".join),
    st.tuples(hostile_text, number, st.sampled_from(UNITS)).map("".join),
    hostile_text,
)
concentration = st.one_of(
    st.tuples(amount, st.sampled_from(["/", " / ", "/ 2 ", "//"]), st.sampled_from(UNITS)).map(
        "".join
    ),
    hostile_text,
)
