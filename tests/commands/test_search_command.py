"""``jcalc search``: arguments, the table, the JSON list and errors, on the small test catalog."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jcalc.commands import search as search_command
from tests.catalog.test_search_index import make_catalog


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalog(tmp_path_factory.mktemp("command") / "catalog.sqlite")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="jcalc")
    search_command.register(root.add_subparsers())
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parsed = parser().parse_args(["search", *args])
    code = parsed.handler(parsed)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], catalog: Path, *args: str) -> list[Any]:
    code, out, err = run(capsys, *args, "--catalog", str(catalog), "--json", "--date", "2026-02-02")
    assert code == 0, err
    result: list[Any] = json.loads(out)
    return result


def test_json_list_best_first(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    results = run_json(capsys, catalog, "Narcan")
    assert results[0] == results[0] | {
        "hcpcs": "J2312",
        "name": "naloxone hydrochloride",
        "descriptor": "0.01 mg",
        "status": "active",
        "matched": "alias: Narcan",
        "ndc": None,
    }
    assert set(results[0]) >= {"hcpcs", "name", "descriptor", "status", "matched", "brand", "ndc"}


def test_json_ndc_and_limit(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    assert run_json(capsys, catalog, "50242-0053-06")[0]["ndc"] == "50242005306"
    assert len(run_json(capsys, catalog, "j", "--limit", "3")) == 3
    assert run_json(capsys, catalog, "nothing-like-this-zzzz") == []


def test_several_words_are_one_query(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    assert run_json(capsys, catalog, "opioid", "overdose")[0]["hcpcs"] == "J2312"


def test_date_sets_the_status(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    code, out, _ = run(capsys, "J2312", "--catalog", str(catalog), "--json", "--date", "2025-01-01")
    assert code == 0
    assert json.loads(out)[0]["status"] == "not yet effective"


def test_table(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    code, out, err = run(capsys, "rituximab", "--catalog", str(catalog), "--date", "2026-02-02")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "UNIT", "STATUS", "MATCHED"]
    assert lines[1].startswith("J9312  rituximab ")
    assert "10 mg" in lines[1] and "active" in lines[1]
    assert any(line.startswith("J9310") and "TERMINATED" in line for line in lines)
    starts = {line.index("10 mg") for line in lines[1:] if " 10 mg " in line}
    assert len(starts) == 1  # the unit column is aligned


def test_table_shows_ndc_and_brand(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    _, out, _ = run(capsys, "55513-0730-01", "--catalog", str(catalog))
    assert "ndc 55513073001 (Xgeva)" in out


def test_no_match(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    code, out, _ = run(capsys, "qqqqqqqq", "--catalog", str(catalog))
    assert code == 0
    assert out.strip() == "no drug matches 'qqqqqqqq'"


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "2.5", ""])
def test_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str], limit: str) -> None:
    with pytest.raises(SystemExit) as raised:
        parser().parse_args(["search", "rituximab", "--limit", limit])
    assert raised.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_query_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        parser().parse_args(["search"])
    assert raised.value.code == 2


def test_missing_catalog(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "rituximab", "--catalog", str(tmp_path / "nope.sqlite"))
    assert code == 2
    assert err.startswith("error: ") and "nope.sqlite" in err


def test_catalog_without_index(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = make_catalog(tmp_path / "plain.sqlite", index=False)
    code, _, err = run(capsys, "rituximab", "--catalog", str(path))
    assert code == 2
    assert "no search index" in err


def test_garbage_query(capsys: pytest.CaptureFixture[str], catalog: Path) -> None:
    for query in ("'; DROP TABLE codes; --", "NEAR(a b)", '"', "*", "a" * 10_000):
        code, out, err = run(capsys, query, "--catalog", str(catalog), "--json")
        assert code == 0, err
        assert isinstance(json.loads(out), list)


def test_through_the_command_line(catalog: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jcalc", "search", "Zofran", "--catalog", str(catalog), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["hcpcs"] == "J2405"
