"""Display names of drugs, derived from the HCPCS long description.

"Injection, rituximab, 10 mg" → "rituximab"; "Cyclophosphamide; oral, 25 mg" →
"cyclophosphamide, oral"; "Injection, rituximab-abbs, biosimilar, (truxima), 10 mg" →
"rituximab-abbs, biosimilar (truxima)". The name is for lists and headings; billing always reads
the full long description.
"""

from __future__ import annotations

import re
from typing import Final

from jcalc.core.quantity import normalize_text

# Leading words that say how the drug is given, not what it is.
_ROUTE_WORDS: Final = frozenset(
    {"injection", "injections", "injection(s)", "infusion", "instillation", "inhalation"}
)
# A segment starting with one of these ends the name: dose, qualifier or billing note.
_STOP_RE: Final = re.compile(
    r"^(?:per\b|up\s+to\b|each\b|over\b|less\s+than\b|greater\s+than\b|more\s+than\b|minimum\b|"
    r"maximum\b|not\s+(?:therapeutically|thereapeutically|to\s+exceed|for\b)|for\b|"
    r"including\b|includes\b|fda\b|compounded\b|non-compounded\b|administered\b|unit\s+dose\b|"
    r"concentrated\s+form\b|code\s+may\b|this\s+code\b|which\b|with\b|when\b|\d)",
    re.IGNORECASE,
)
_NUMBER: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
_UNIT: Final = (
    r"(?:micrograms?|mcg|milligrams?|mg|grams?|gm|g|ml|cc|units?|iu|i\.u\.?|meq|mmol|"
    r"microcuries?|millicuries?)"
)
# A dose phrase: "10 mg", "per 1.5 gm", "up to 250 mg", "7.5 mg/2.5 mg", "per i.u.".
_AMOUNT: Final = (
    rf"(?:(?:per|up\s+to)\s+)?(?:{_NUMBER}\s*(?:thousand|million|billion)?\s*{_UNIT}|"
    rf"(?<=per\s){_UNIT})(?:\s*/\s*(?:{_NUMBER}\s*)?{_UNIT})*(?![\w-])"
)
_AMOUNT_RE: Final = re.compile(rf"(?<![\w.-]){_AMOUNT}", re.IGNORECASE)
_LEADING_AMOUNT_RE: Final = re.compile(
    rf"^(?:(?:per|up\s+to)\s+{_UNIT}(?![\w-])|{_AMOUNT})", re.IGNORECASE
)
_ROUTE_PREFIX_RE: Final = re.compile(r"^(?:injection|infusion)\s+(?=[a-z])", re.IGNORECASE)
# Parentheticals that are billing notes rather than part of the name.
_NOTE_PAREN_RE: Final = re.compile(
    r"\((?:[^()]*\b(?:esrd|medicare|code|use|dialysis)\b[^()]*|e\.g\.[^()]*|[^()]*=[^()]*|"
    r"(?:[^()\s]+\s+){5,}[^()\s]+)\)",
    re.IGNORECASE,
)
_NOT_EQUIVALENT_RE: Final = re.compile(
    r",?\s*\bnot\s+there?apeutically\s+equivalent\s+to\s+[a-z]\d{4}\b", re.IGNORECASE
)
_MAX_LENGTH: Final = 80


def _split_top_level(text: str) -> list[str]:
    """Split at commas and semicolons outside parentheses, not inside numbers like 100,000."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in ",;" and depth == 0:
            between_digits = (
                char == ","
                and 0 < index < len(text) - 1
                and text[index - 1].isdigit()
                and text[index + 1].isdigit()
            )
            if not between_digits:
                parts.append(text[start:index])
                start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _lower_first(text: str) -> str:
    """Lower-case the first word when it is a capitalised ordinary word ("Rituximab")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower():
        return text[0].lower() + text[1:]
    return text


def _strip_amounts(segment: str) -> str:
    """The segment without its dose phrases ("acetaminophen 10 mg and ibuprofen 3 mg")."""
    stripped = _AMOUNT_RE.sub(" ", segment)
    stripped = re.sub(r"\s*\(\s*\)", " ", stripped)
    return re.sub(r"\s+", " ", stripped).strip(" ,;")


def display_name(long_description: str) -> str:
    """A short readable generic name from a HCPCS long description ("" for an empty one)."""
    text = _NOT_EQUIVALENT_RE.sub("", normalize_text(long_description))
    text = normalize_text(_NOTE_PAREN_RE.sub(" ", text))
    segments = _split_top_level(text)
    while len(segments) > 1 and segments[0].lower() in _ROUTE_WORDS:
        segments = segments[1:]
    if segments:
        segments[0] = _ROUTE_PREFIX_RE.sub("", segments[0])
    kept: list[str] = []
    for segment in segments:
        leading = _LEADING_AMOUNT_RE.match(segment)
        if leading and kept:
            rest = segment[leading.end() :].strip()
            if rest.lower().startswith("and "):
                kept[-1] = f"{kept[-1]} {_strip_amounts(rest)}"
            break
        if kept and _STOP_RE.match(segment):
            break
        part = _strip_amounts(segment) or segment
        if part.startswith("(") and kept:
            kept[-1] = f"{kept[-1]} {part}"
        else:
            kept.append(part)
    while len(kept) > 1 and len(", ".join(kept)) > _MAX_LENGTH:
        kept.pop()
    return _lower_first(", ".join(kept))
