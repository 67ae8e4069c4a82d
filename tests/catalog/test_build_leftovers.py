"""A killed ``catalog build`` leaves temp files beside ``--out``; the next build removes them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.catalog.test_build import build_small


def test_the_next_build_cleans_a_killed_builds_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "catalog.sqlite"
    for name in (".catalog.sqlite.k1ll3d.tmp", ".catalog.sqlite.k1ll3d.tmp-journal"):
        (tmp_path / name).write_bytes(b"half a catalog")
    build_small(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["catalog.sqlite"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_build_killed_while_writing_is_cleaned_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "catalog.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from jcalc.catalog import build
        from tests.catalog.test_build import build_small

        def killed(*_args):
            os.kill(os.getpid(), signal.SIGKILL)

        build.create_search_index = killed
        build_small(Path({str(out)!r}))
        """
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, check=False, timeout=120)
    assert result.returncode == -9
    assert list(tmp_path.glob(".catalog.sqlite.*.tmp"))  # what a killed build leaves
    build_small(out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["catalog.sqlite"]
