"""User text made safe to echo on one line: control and format characters escaped."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_VISIBLE_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_unsafe(char: str) -> bool:
    """True for control, format, surrogate and line/paragraph separator characters."""
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def escape_control(text: str, *, keep: str = "") -> str:
    r"""``text`` with control, format and lone-surrogate characters written as ``\n``/``\uXXXX``.

    Characters in ``keep`` (say ``"\n\t"`` for multi-line output) stay as they are. The escapes
    are valid inside JSON strings too. Printable text passes at C speed.
    """
    if text.isprintable():
        return text
    if not keep:
        return _escape_chars(text)
    pieces = re.split(f"([{re.escape(keep)}])", text)
    return "".join(
        piece if piece.isprintable() or piece in keep else _escape_chars(piece) for piece in pieces
    )


def _escape_chars(text: str) -> str:
    out: list[str] = []
    for char in text:
        if not is_unsafe(char):
            out.append(char)
        elif char in _VISIBLE_ESCAPES:
            out.append(_VISIBLE_ESCAPES[char])
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)
