"""Time of a quarterly catalog update and of the diff.

    python benchmarks/update_timing.py [--cms DIR] [--rounds N]

Writes a hand-made next quarter derived from the 2026 CMS files (``../shared/data/cms`` by
default; the same derivation as the tests) into a temporary folder, then times, in a temporary
per-user folder (nothing of the real user is touched):

* import of a full quarter into the library: ``plan_update`` (detect and read the four files)
  + ``build_update`` (build into a staging file, diff) + ``commit_update`` (atomic switch);
* the same for the official zips/CSVs of 2026 (HCPCS as the CMS zip);
* a partial update (only the ASP file);
* ``diff_catalogs`` between the bundled catalog and the next-quarter catalog.

Each figure is the median of ``--rounds`` runs; then ``update full_s=… plan_s=… build_s=…
commit_s=… asp_only_s=… diff_ms=…``.

Then time and peak RSS, each in a fresh process (``benchmarks/import_memory.py``), of the
``catalog build`` and ``catalog update`` of a full real quarter (July 2025) and of the build
and the update with a generated crosswalk of ``--rows`` rows (default 1,000,000; ``--rows 0``
skips them), one ``SCENARIO seconds=… peak_rss_mb=…`` line each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.catalog.next_quarter

from jcalc.catalog.library import CatalogLibrary  # noqa: E402
from jcalc.catalog.store import open_catalog  # noqa: E402
from jcalc.catalog.update import build_update, commit_update, plan_update  # noqa: E402
from tests.catalog.next_quarter import write_next_quarter  # noqa: E402

DEFAULT_CMS = ROOT.parent / "shared" / "data" / "cms"


def cms_files(cms: Path) -> dict[str, Path]:
    """The 2026 reference files."""
    return {
        "hcpcs": cms / "cms-hcpcs-2026jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
        "hcpcs_csv": cms / "cms-hcpcs-2026jan" / "HCPC2026_JAN_ANWEB_01122026.csv",
        "asp": cms / "cms-asp-2026q1" / "asp_payment_limit_2026q1.csv",
        "crosswalk": cms / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv",
        "mue": cms / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv",
    }


def timed_update(files: list[Path], directory: Path) -> tuple[float, float, float, float, Path]:
    """(total, plan, build, commit) seconds of one update into a fresh library, and its file."""
    library = CatalogLibrary(directory)
    started = time.perf_counter()
    plan = plan_update(files, library=library)
    planned = time.perf_counter()
    prepared = build_update(plan)
    built = time.perf_counter()
    active = commit_update(prepared, accept_older=True)
    done = time.perf_counter()
    return done - started, planned - started, built - planned, done - built, active.path


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def main() -> int:
    """Run the timings and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cms", type=Path, default=DEFAULT_CMS, help="the CMS reference files")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the generated crosswalk (0: skip)"
    )
    args = parser.parse_args()
    if not args.cms.is_dir():
        print(f"the CMS files are not at {args.cms}", file=sys.stderr)
        return 2
    reference = cms_files(args.cms)
    with tempfile.TemporaryDirectory(prefix="jcalc-update-timing-") as temp:
        work = Path(temp)
        os.environ["JCALC_DATA_DIR"] = str(work / "user-data")
        next_files = write_next_quarter(reference, work / "next")
        official = [reference[k] for k in ("hcpcs", "asp", "crosswalk", "mue")]

        def rounds(label: str, make: Callable[[int], tuple[float, ...]]) -> list[tuple[float, ...]]:
            results = [make(number) for number in range(args.rounds)]
            print(f"{label}: " + ", ".join(f"{r[0]:.2f} s" for r in results))
            return results

        full = rounds(
            "next quarter, 4 files (CSV)",
            lambda n: timed_update(list(next_files.values()), work / f"full{n}")[:4],
        )
        rounds("2026 files (HCPCS zip)", lambda n: timed_update(official, work / f"zip{n}")[:4])
        asp_only = rounds(
            "only the ASP file", lambda n: timed_update([next_files["asp"]], work / f"asp{n}")[:4]
        )
        _total, _plan, _build, _commit, new_path = timed_update(
            list(next_files.values()), work / "diff"
        )
        diffs: list[float] = []
        from jcalc.catalog.diff import diff_catalogs

        for _ in range(max(args.rounds, 5)):
            with open_catalog(None) as old, open_catalog(new_path) as new:
                started = time.perf_counter()
                found = diff_catalogs(old, new)
                diffs.append(time.perf_counter() - started)
        print(f"diff bundled → next quarter: {found.counts()}")
        print(
            f"update full_s={median([r[0] for r in full]):.2f} "
            f"plan_s={median([r[1] for r in full]):.2f} "
            f"build_s={median([r[2] for r in full]):.2f} "
            f"commit_s={median([r[3] for r in full]):.3f} "
            f"asp_only_s={median([r[0] for r in asp_only]):.2f} "
            f"diff_ms={median(diffs) * 1000:.0f}"
        )
    scenarios = ["build-quarter", "update-quarter"]
    scenarios += ["build-crosswalk", "update-crosswalk"] if args.rows else []
    for scenario in scenarios:
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "import_memory.py"), scenario,
             "--cms", str(args.cms), "--rows", str(args.rows)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        lines = done.stdout.strip().splitlines() or [done.stderr.strip()]
        print(lines[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
