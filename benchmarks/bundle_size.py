"""Size budget of the frozen program folder (``dist/jcalc/``): under 130 MB (10^6 bytes).

    .venv/bin/python benchmarks/bundle_size.py [DIST_DIR] [--top 15]

Prints the total, a breakdown by kind (Qt libraries, Qt plugins, Python, other libraries, jcalc's
data) and the largest files. The last line reads ``bundle_size mb=… mib=… files=… budget=130
ok|OVER``; exit 1 when over budget or when the folder is missing. Symbolic links count as links.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 130.0


def kind(relative: Path) -> str:
    """The group a file of the bundle belongs to."""
    parts = relative.parts
    text = relative.as_posix().lower()
    if "plugins" in parts:
        return "Qt plugins"
    if parts[:2] == ("_internal", "jcalc") or "dist-info" in text:
        return "jcalc data and metadata"
    name = relative.name.lower()
    if "pyside6" in text or "shiboken6" in text or "qt6" in name or "icu" in name:
        return "Qt and PySide6"
    if "python" in name or "lib-dynload" in text or name.endswith((".pyd", ".zip")):
        return "Python"
    if len(parts) == 1:
        return "executable"
    return "other libraries"


def measure(folder: Path) -> tuple[int, int, dict[str, int], list[tuple[int, Path]]]:
    """Total bytes, file count, bytes by kind, and (size, path) of every file."""
    files: list[tuple[int, Path]] = []
    for path in folder.rglob("*"):
        if path.is_symlink() or path.is_file():
            files.append((path.lstat().st_size, path.relative_to(folder)))
    by_kind: dict[str, int] = defaultdict(int)
    for size, relative in files:
        by_kind[kind(relative)] += size
    return sum(size for size, _ in files), len(files), dict(by_kind), files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "dist" / "jcalc")
    parser.add_argument("--top", type=int, default=15, help="list this many largest files")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is missing: run installer/build.py first", file=sys.stderr)
        return 1
    total, count, by_kind, files = measure(args.folder)
    print(f"{args.folder}: {count} files")
    for name, size in sorted(by_kind.items(), key=lambda item: -item[1]):
        print(f"  {name:26s} {size / 1e6:7.1f} MB")
    print(f"largest {args.top}:")
    for size, relative in sorted(files, reverse=True)[: args.top]:
        print(f"  {size / 1e6:7.1f} MB  {relative.as_posix()}")
    mb = total / 1e6
    verdict = "ok" if mb < BUDGET_MB else "OVER"
    print(
        f"bundle_size mb={mb:.1f} mib={total / 2**20:.1f} files={count} "
        f"budget={BUDGET_MB:.0f} {verdict}"
    )
    return 0 if mb < BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
