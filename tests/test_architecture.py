"""The core and the catalog never import Qt; the import-linter contracts hold."""

import shutil
import subprocess
import sys

import pytest


def test_core_and_catalog_import_without_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, jcalc.core, jcalc.catalog\n"
        "for pkg in (jcalc.core, jcalc.catalog):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "import jcalc.cli, jcalc.service\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'jcalc.ui'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(__import__("pathlib").Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed")
    result = subprocess.run([lint], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
