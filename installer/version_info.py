"""The package version, and the Windows version resource made from it for ``jcalc.exe``.

The version has one source, ``__version__`` in ``jcalc/__init__.py`` (pyproject.toml reads it as a
dynamic version); the spec, the installer define (``makensis -DVERSION=…``) and the Windows file
properties all come from it here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "jcalc"
PRODUCT = "jcalc"
DESCRIPTION = "jcalc: drug dose to HCPCS billing units"
COPYRIGHT = "jcalc project"


def project_version(root: Path = ROOT) -> str:
    """``__version__`` of ``jcalc/__init__.py``, read without importing the package."""
    text = (root / "jcalc" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise ValueError("jcalc/__init__.py sets no __version__")
    return match.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Windows' four 16-bit numbers: ``0.1.0`` → (0, 1, 0, 0); ``1.2rc1`` → (1, 2, 0, 0)."""
    match = re.match(r"^\s*v?(\d+(?:\.\d+){0,3})", version)
    if match is None:
        raise ValueError(f"not a version number: {version!r}")
    numbers = [int(part) for part in match.group(1).split(".")]
    if any(number > 0xFFFF for number in numbers):
        raise ValueError(f"version parts must be below 65536: {version!r}")
    padded = [*numbers, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def make_version_info(version: str, exe_name: str = "jcalc.exe") -> Any:
    """A PyInstaller ``VSVersionInfo`` for ``jcalc.exe`` (file and product version, names)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = version_tuple(version)
    dotted = ".".join(str(n) for n in numbers)
    strings = [
        vi.StringStruct("CompanyName", COMPANY),
        vi.StringStruct("FileDescription", DESCRIPTION),
        vi.StringStruct("FileVersion", dotted),
        vi.StringStruct("InternalName", "jcalc"),
        vi.StringStruct("LegalCopyright", COPYRIGHT),
        vi.StringStruct("OriginalFilename", exe_name),
        vi.StringStruct("ProductName", PRODUCT),
        vi.StringStruct("ProductVersion", version),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0, OS=0x40004),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),  # US English, Unicode
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0409, 1200])]),
        ],
    )


if __name__ == "__main__":
    print(project_version())
