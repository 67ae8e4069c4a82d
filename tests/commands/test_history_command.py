"""``jcalc history list | show | export``."""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from jcalc.commands import history as history_command
from jcalc.userdata import open_user_data
from tests.userdata.test_history import naloxone_summary, rituximab_summary

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str | Path) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="jcalc")
        history_command.register(parser.add_subparsers())
        namespace = parser.parse_args([str(arg) for arg in args])
        code = namespace.handler(namespace)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def logged() -> list[int]:
    clinic, log = open_user_data()
    ids = [
        log.log(rituximab_summary("visit 12"), when=datetime(2026, 4, 2, 10, 31)),
        log.log(naloxone_summary("walk-in"), action="saved", when=datetime(2026, 4, 3, 9, 0)),
    ]
    clinic.close()
    return ids


def test_list(run: Run, logged: list[int]) -> None:
    code, out, err = run("history", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:4] == [str(logged[1]), "2026-04-03", "09:00:00", "saved"]
    assert "J9312 96413 96415" in lines[1] and "ref visit 12" in lines[1]
    code, out, _err = run("history", "list", "--code", "J2312", "--json")
    data = json.loads(out)
    assert [row["id"] for row in data] == [logged[1]] and "summary" not in data[0]
    assert run("history", "list", "--since", "2026-05-01")[1] == "no logged summaries match\n"
    assert run("history", "list", "--text", "visit", "--limit", "1")[1].count("\n") == 1


def test_show(run: Run, logged: list[int]) -> None:
    code, out, _err = run("history", "show", str(logged[0]))
    assert code == 0
    assert "J9312  5 units  JW  N450242005306   ML5  charge $50.00" in out
    code, out, _err = run("history", "show", str(logged[0]), "--json")
    assert json.loads(out)["summary"]["reference"] == "visit 12"
    code, _out, err = run("history", "show", "99")
    assert code == 2 and err == "error: there is no logged summary number 99\n"


def test_export(run: Run, logged: list[int], tmp_path: Path) -> None:
    target = tmp_path / "log.csv"
    code, out, _err = run("history", "export", target)
    assert code == 0 and out == f"wrote 5 claim lines to {target}\n"
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["hcpcs"] for row in rows] == ["J9312", "J9312", "96413", "96415", "J2312"]
    code, _out, err = run("history", "export", tmp_path / "no" / "such" / "dir.csv")
    assert code == 2 and err.startswith("error: cannot write") and err.count("\n") == 1


def test_export_is_private_and_never_follows_a_planted_temp(
    run: Run, logged: list[int], tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / ".log.csv.tmp").symlink_to(victim)
    assert run("history", "export", tmp_path / "log.csv")[0] == 0
    assert victim.read_text(encoding="utf-8") == "keep"
    if os.name == "posix":  # it may hold patient names
        assert (tmp_path / "log.csv").stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="POSIX devices")
def test_export_to_a_full_disk_is_exit_2(run: Run, logged: list[int]) -> None:
    code, out, err = run("history", "export", "/dev/full")
    assert (code, out) == (2, "")
    assert err == "error: cannot write /dev/full: No space left on device\n"
