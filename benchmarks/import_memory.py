"""Time and peak memory of importing CMS files, each run in a fresh process.

    python benchmarks/import_memory.py SCENARIO [--cms DIR] [--rows N]

Scenarios (each prints ``SCENARIO seconds=… peak_rss_mb=…`` as its last line):

* ``build-quarter``: ``catalog build`` of the July 2025 quarter (2026 HCPCS zip, 2025Q3 ASP file
  and crosswalk, 2026Q2 MUE table);
* ``update-quarter``: ``catalog update`` of the same four files into a fresh per-user folder
  (plan, build into staging, diff, switch);
* ``build-crosswalk``: ``catalog build`` with a generated crosswalk of ``--rows`` rows (default
  1,000,000): the real 2026Q1 rows repeated with new, unique NDCs, written to a temporary folder
  (never into the repository) and removed afterwards;
* ``update-crosswalk``: ``catalog update`` with that crosswalk alone (the other kinds kept from the
  bundled catalog; the diff compares the million NDCs on disk).

``benchmarks/update_timing.py --memory`` runs all three, each in its own process.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CMS = ROOT.parent / "shared" / "data" / "cms"
SCENARIOS = ("build-quarter", "update-quarter", "build-crosswalk", "update-crosswalk")


def quarter_files(cms: Path) -> dict[str, Path]:
    """The July 2025 quarter with the 2026 HCPCS file and MUE table."""
    return {
        "hcpcs": cms / "cms-hcpcs-2026jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
        "asp": cms / "cms-asp-2025q3" / "asp_payment_limit_2025q3.csv",
        "crosswalk": cms / "cms-asp-2025q3" / "asp_ndc_hcpcs_crosswalk_2025q3.csv",
        "mue": cms / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv",
    }


def write_big_crosswalk(source: Path, target: Path, rows: int) -> Path:
    """A crosswalk of ``rows`` data rows: the title and header of ``source``, then its data rows
    over and over, each with a new NDC (5-4-2, unique), without CMS's padding columns."""
    with source.open(encoding="cp1252", newline="") as handle:
        table = list(csv.reader(handle))
    header = next(i for i, row in enumerate(table) if row and row[0].upper().endswith("CODE"))
    title = [row[:10] for row in table[:header]]
    data = [row[:10] for row in table[header + 1 :] if row and row[0].strip()]
    with target.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerows(title)
        writer.writerow(table[header][:10])
        for number, row in zip(range(rows), itertools.cycle(data), strict=False):
            labeler, rest = divmod(number, 1_000_000)
            product, package = divmod(rest, 100)
            ndc = f"{10000 + labeler:05d}-{product:04d}-{package:02d}"
            writer.writerow([row[0], row[1], row[2], ndc, *row[4:]])
    return target


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def main() -> int:
    """Run one scenario and print its time and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--cms", type=Path, default=DEFAULT_CMS, help="the CMS reference files")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the crosswalk")
    args = parser.parse_args()
    files = quarter_files(args.cms)
    with tempfile.TemporaryDirectory(prefix="jcalc-import-memory-") as temp:
        work = Path(temp)
        os.environ["JCALC_DATA_DIR"] = str(work / "user-data")
        os.environ["JCALC_CONFIG_DIR"] = str(work / "user-config")
        if args.scenario.endswith("-crosswalk"):
            started = time.perf_counter()
            source = args.cms / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv"
            big = write_big_crosswalk(source, work / "crosswalk_2026q1.csv", args.rows)
            size = big.stat().st_size / 1e6
            took = time.perf_counter() - started
            print(f"generated {args.rows:,} rows ({size:.0f} MB) in {took:.1f} s")
            asp = source.with_name("asp_payment_limit_2026q1.csv")
            files = {**files, "crosswalk": big, "asp": asp}
        from jcalc.catalog.build import build_catalog
        from jcalc.catalog.library import CatalogLibrary
        from jcalc.catalog.update import build_update, commit_update, plan_update

        started = time.perf_counter()
        if args.scenario.startswith("update-"):
            library = CatalogLibrary(work / "library")
            given = [files["crosswalk"]] if args.scenario == "update-crosswalk" else files.values()
            plan = plan_update(list(given), library=library)
            commit_update(build_update(plan), accept_older=True)
        else:
            summary = build_catalog(**files, out=work / "catalog.sqlite")
            print("\n".join(summary.skip_lines()))
        seconds = time.perf_counter() - started
    print(f"{args.scenario} seconds={seconds:.2f} peak_rss_mb={peak_rss_mb():.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
