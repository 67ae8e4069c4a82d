"""Kill test: an update killed at any point leaves the old or the new catalog, never a broken one.

A subprocess runs the whole update (plan → build → commit) from the next-quarter files; the test
kills it (SIGKILL on POSIX, TerminateProcess on Windows) after a random delay. The delays are
spread over the whole run (one per slice of its measured duration, random inside the slice).
After each kill the catalog in use must open without falling back, pass ``PRAGMA
integrity_check`` and be exactly the old catalog or exactly the new one; a clean-up then removes
every leftover of the killed process.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from jcalc.catalog.library import CatalogLibrary
from tests.catalog.next_quarter import fingerprint, variant_catalog

RUNS = 10
OVERSHOOT = 1.05  # the last slices reach a little past the measured duration
RUN_TIMEOUT = 60.0

SCRIPT = """
import sys
from pathlib import Path
from jcalc.catalog.update import build_update, commit_update, plan_update
print("start", flush=True)
plan = plan_update([Path(name) for name in sys.argv[1:]])
commit_update(build_update(plan), accept_older=True)
print("committed", flush=True)
"""


def _start(data_dir: Path, files: list[Path]) -> subprocess.Popen[str]:
    env = dict(os.environ, JCALC_DATA_DIR=str(data_dir))
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # imports done: the update starts now
    assert line.strip() == "start", process.stderr.read() if process.stderr else line
    return process


# The updated catalog also keeps the old catalog's ASP quarter: compared without the history.
HISTORY = ("asp_quarters", "asp_prices")


def _fresh(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def _check(library: CatalogLibrary, old: str, new: str, where: str) -> str:
    active = library.active()
    assert active.problem is None, f"{where}: {active.problem}"
    assert not active.is_bundled, where
    with closing(sqlite3.connect(f"{active.path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", where
    content = fingerprint(active.path, skip=HISTORY)
    assert content in (old, new), f"{where}: the catalog in use is neither the old nor the new one"
    library.cleanup()
    names = sorted(p.name for p in library.directory.iterdir())
    others = [n for n in names if not n.startswith("catalog-")]
    assert others == ["active.json", "library.lock"], f"{where}: leftovers {names}"
    assert len(names) - len(others) <= 2, f"{where}: {names}"
    return "new" if content == new else "old"


def test_killing_the_update_at_random_points(
    tmp_path: Path, next_quarter_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    files = list(next_quarter_files.values())
    template = tmp_path / "template"
    old_catalog = variant_catalog(tmp_path / "old.sqlite", quarter="2025Q4", price="70.000")
    CatalogLibrary(template / "catalogs").install_file(old_catalog)
    old = fingerprint(old_catalog, skip=HISTORY)
    new = fingerprint(next_quarter_catalog, skip=HISTORY)
    assert old != new

    # a complete run: it must commit; its duration sets the range of the kill delays
    data = _fresh(template, tmp_path / "complete")
    started = time.perf_counter()
    process = _start(data, files)
    out, err = process.communicate(timeout=RUN_TIMEOUT)
    duration = time.perf_counter() - started
    assert process.returncode == 0 and "committed" in out, err
    assert _check(CatalogLibrary(data / "catalogs"), old, new, "complete run") == "new"

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    outcomes: list[tuple[float, str]] = []
    for run in range(RUNS):
        delay = duration * OVERSHOOT * (run + rng.random()) / RUNS
        data = _fresh(template, tmp_path / f"run{run}")
        process = _start(data, files)
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=RUN_TIMEOUT)
        where = f"run {run}, killed after {delay:.3f} s of {duration:.3f} s (seed {seed})"
        outcomes.append((delay, _check(CatalogLibrary(data / "catalogs"), old, new, where)))
    print(f"kill test (seed {seed}, run {duration:.2f} s):", outcomes)
    assert outcomes[0][1] == "old"  # killed early: nothing changed
