"""Latency of :func:`jcalc.catalog.search.search` over a catalog.

    python benchmarks/search_latency.py [--queries FILE] [--catalog FILE] [--rounds N]

Runs every query (one per line of FILE, or the built-in mix of codes, code prefixes, NDCs in
every form, generic and brand names, prefixes, typos, aliases, garbage, SQL/FTS syntax and long
strings), once to warm up, then ``--rounds`` times timed. The last line printed is
``search p50_ms=… p99_ms=… n=…`` over all timed runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from jcalc.catalog.search import search
from jcalc.catalog.store import open_catalog
from jcalc.paths import bundled_catalog_path

CODES = [
    "J9312", "J1100", "J2405", "J2312", "J1885", "J0696", "J3301", "J1010", "J2919", "J1200",
    "J2550", "J3420", "J1050", "J0897", "J0585", "J7030", "Q5115", "A9606", "J3490", "J9999",
    "J1030", "J2310", "J9310", "j9312", " j1100 ", "j 2405", "J0885", "Q0138", "90371", "J7325",
]  # fmt: skip
CODE_PREFIXES = [
    "j", "J9", "j93", "J93", "J1", "q51", "J04", "J2", "J7", "A9", "J01", "J99", "J3", "J0",
    "J12", "q", "9",
]  # fmt: skip
NDCS = [
    "50242-0053-06", "50242005306", "5024200530", "50242-053-06", "N450242005306",
    "50242 0053 06", "00023-1145-01", "0023-1145-01", "00023-1145-1", "00023114501",
    "55513-0710-01", "55513-710-01", "55513-0710-1", "5551307101", "00404-9795-30",
    "0404-9795-30", "00641-6145-25", "0641-6145-25", "25021-0052-01", "25021-052-01",
    "63323-0165-01", "63323-165-01", "67457-0418-05", "72485-0118-25", "50242", "5024200",
    "00641", "55513-07", "0002-1234-01", "12345678901",
]  # fmt: skip
GENERICS = [
    "rituximab", "dexamethasone", "ondansetron", "naloxone", "ketorolac", "ceftriaxone",
    "triamcinolone", "methylprednisolone", "diphenhydramine", "promethazine", "cyanocobalamin",
    "medroxyprogesterone", "denosumab", "onabotulinumtoxina", "epoetin alfa", "iron sucrose",
    "pegfilgrastim", "infliximab", "pembrolizumab", "nivolumab", "bevacizumab", "trastuzumab",
    "aflibercept", "ranibizumab", "testosterone cypionate", "leuprolide", "zoledronic acid",
    "heparin", "enoxaparin", "insulin", "lidocaine", "morphine", "hydromorphone", "fentanyl",
    "lorazepam", "haloperidol", "furosemide", "vancomycin", "azithromycin", "immune globulin",
    "dexamethasone sodium phosphate 1 mg", "rituximab 500 mg", "injection",
]  # fmt: skip
BRANDS = [
    "Rituxan", "Zofran", "Toradol", "Narcan", "Decadron", "Rocephin", "Kenalog", "Depo-Medrol",
    "Solu-Medrol", "Benadryl", "Phenergan", "Depo-Provera", "Prolia", "Xgeva", "Botox",
    "Keytruda", "Opdivo", "Herceptin", "Avastin", "Eylea", "Lucentis", "Neulasta", "Procrit",
    "Venofer", "Remicade", "Entyvio", "Ocrevus", "Xolair", "Lupron Depot", "Vivitrol",
    "Genentech", "Hikma", "Fresenius Kabi", "Pfizer",
]  # fmt: skip
PREFIXES = [
    "ritux", "dexa", "ondan", "nalox", "keto", "ceftr", "triam", "methylpred", "diphen", "cyano",
    "pembro", "nivo", "beva", "trast", "aflib", "ranib", "testo", "leupro", "zoledr", "hepar",
    "in", "de", "r", "zo",
]  # fmt: skip
TYPOS = [
    "dexamethazone", "ondansteron", "rituxamab", "ketorlac", "naloxon", "cefriaxone",
    "triamcinalone", "methylprednisolon", "diphenhidramine", "promethazin", "cyanocobalamine",
    "medroxiprogesterone", "denosumib", "pembrolizumob", "nivolumub", "bevacizumob",
    "trastuzamab", "afliberecpt", "ranibizumub", "testosteron", "leuprolid", "zoledronik",
    "herapin", "enoxaparine", "insullin", "Rituxn", "Zofarn",
]  # fmt: skip
ALIASES = [
    "B12", "MTX", "dex", "NS", "IVIG", "EPO", "opioid overdose", "nausea", "allergic reaction",
    "vitamin b12 deficiency", "osteoporosis", "anemia", "birth control shot", "IUD", "TXA",
    "KCl", "D5W", "LR", "G-CSF", "5-FU", "DDAVP", "gonorrhea", "migraine", "asthma",
    "knee injection", "Zofran 4mg", "kenalog 40",
]  # fmt: skip
GARBAGE = [
    "'; DROP TABLE codes; --", '"', "*", "-", "NEAR", "AND", "OR", "(", ")",
    'rituximab" OR "x', "NEAR(a b)", "a AND b OR c", "col:term", "^start", "%", "_", "\\",
    "''", "\x00", "\x1b[31m", "🙂💊", "ÜNÏCØDÉ", "日本語", "SELECT * FROM codes", "1=1",
    "rit*", "-rituximab", "+++", "...", "a b c d e f g h i j k l", "\ud800", "   ",
]  # fmt: skip
LONG = [
    "a" * 10_000,
    "rituximab " * 1_000,
    "".join(chr(33 + (index * 7919) % 90) for index in range(10_000)),
    "1234567890" * 1_000,
    "J9312" * 2_000,
    "injection inc mg usa llc pharmaceuticals 10 per " * 200,
    "dexamethazone ondansteron rituxamab " * 300,
    "\x00\x01\x02" * 3_000,
    "é" * 10_000,
    "(" * 5_000 + ")" * 5_000,
]


def builtin_queries() -> list[str]:
    """The default mix: at least 200 queries of every kind."""
    return (
        CODES
        + CODE_PREFIXES
        + NDCS
        + GENERICS
        + BRANDS
        + PREFIXES
        + TYPOS
        + ALIASES
        + (GARBAGE + LONG)
    )


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the samples lie (linear interpolation)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--queries", type=Path, help="file with one query per line")
    parser.add_argument("--catalog", type=Path, help="catalog (default: the bundled one)")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--limit", type=int, default=20, help="results per query")
    args = parser.parse_args(argv)
    if args.queries:
        text = args.queries.read_text(encoding="utf-8", errors="replace")
        queries = [line for line in text.splitlines() if line.strip()]
    else:
        queries = builtin_queries()
    if not queries:
        print("no queries", file=sys.stderr)
        return 2
    catalog_path = args.catalog or bundled_catalog_path()
    today = date.today()
    with open_catalog(catalog_path) as catalog:
        connection = catalog.connection
        started = time.perf_counter()
        search(connection, "warm up", today=today)
        first_ms = (time.perf_counter() - started) * 1000
        found = 0
        for query in queries:  # warm-up round
            found += bool(search(connection, query, limit=args.limit, today=today))
        samples: list[float] = []
        per_query: dict[int, float] = {}
        for _ in range(max(1, args.rounds)):
            for index, query in enumerate(queries):
                started = time.perf_counter_ns()
                search(connection, query, limit=args.limit, today=today)
                elapsed = (time.perf_counter_ns() - started) / 1_000_000
                samples.append(elapsed)
                per_query[index] = max(per_query.get(index, 0.0), elapsed)
    print(f"catalog: {catalog_path}")
    print(f"queries: {len(queries)} ({found} with results), rounds: {args.rounds}")
    print(f"first search (reads the per-code rank data): {first_ms:.1f} ms")
    print(f"mean_ms={statistics.fmean(samples):.3f} max_ms={max(samples):.3f}")
    print("slowest queries (worst run):")
    for index, worst in sorted(per_query.items(), key=lambda item: -item[1])[:5]:
        shown = queries[index]
        shown = repr(shown if len(shown) <= 40 else shown[:40] + "…")
        print(f"  {worst:7.3f} ms  {shown}")
    p50, p99 = percentile(samples, 0.50), percentile(samples, 0.99)
    print(f"search p50_ms={p50:.3f} p99_ms={p99:.3f} n={len(samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
