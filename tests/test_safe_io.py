"""Safe writes (temp file, check, fsync, rename; failures said) and bounded reads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jcalc import safe_io
from jcalc.safe_io import (
    SafeFileError,
    clean_leftovers,
    new_temp_file,
    read_regular_file,
    write_atomically,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX devices, FIFOs and flock")


def test_writes_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert write_atomically(target, b"new content") == target.resolve()
    assert target.read_bytes() == b"new content"
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@posix_only
def test_private_files_are_0600(tmp_path: Path) -> None:
    write_atomically(tmp_path / "h.csv", b"x", private=True)
    assert (tmp_path / "h.csv").stat().st_mode & 0o777 == 0o600


def test_a_planted_predictable_temp_or_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    for name in (".out.json.tmp", ".out.json.x.tmp"):
        (tmp_path / name).symlink_to(victim)
    write_atomically(tmp_path / "out.json", b"{}")
    assert victim.read_bytes() == b"keep me"
    assert (tmp_path / "out.json").read_bytes() == b"{}"


@posix_only
def test_dev_full_is_a_failure_with_the_reason() -> None:
    with pytest.raises(SafeFileError, match=r"/dev/full: No space left on device"):
        write_atomically("/dev/full", b"%PDF-1.4 ...")


def test_a_full_disk_keeps_the_old_file_and_says_so(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")

    def full(_fd: int, _data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_io.os, "write", full)
    with pytest.raises(SafeFileError, match="No space left on device"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_a_short_write_is_caught_before_the_rename(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.pdf"
    real_fstat = os.fstat

    class Short:
        def __init__(self, fd: int) -> None:
            self.st_size = real_fstat(fd).st_size - 1

    monkeypatch.setattr(safe_io.os, "fstat", Short)
    with pytest.raises(SafeFileError, match="reached the disk"):
        write_atomically(target, b"1234")
    assert not target.exists()


def test_missing_folder_and_folder_target_are_errors(tmp_path: Path) -> None:
    with pytest.raises(SafeFileError, match="No such file or directory"):
        write_atomically(tmp_path / "missing" / "x.pdf", b"x")
    with pytest.raises(SafeFileError, match="is a folder"):
        write_atomically(tmp_path, b"x")


@posix_only
def test_leftovers_of_a_killed_run_are_cleaned_but_not_a_write_in_progress(tmp_path) -> None:
    target = tmp_path / "catalog.sqlite"
    dead = tmp_path / ".catalog.sqlite.abc123.tmp"
    dead.write_bytes(b"half")
    (tmp_path / ".catalog.sqlite.abc123.tmp-journal").write_bytes(b"j")
    (tmp_path / ".catalog.sqlite.gone.tmp-journal").write_bytes(b"j")
    (tmp_path / ".other.sqlite.x.tmp").write_bytes(b"not ours")
    fd, live = new_temp_file(target)  # held by a running write
    try:
        removed = {p.name for p in clean_leftovers(target)}
    finally:
        os.close(fd)
    assert removed == {
        ".catalog.sqlite.abc123.tmp",
        ".catalog.sqlite.abc123.tmp-journal",
        ".catalog.sqlite.gone.tmp-journal",
    }
    assert live.exists() and (tmp_path / ".other.sqlite.x.tmp").exists()
    assert clean_leftovers(target) == [live]  # released: now it is a leftover too


@posix_only
def test_a_killed_writer_leaves_a_temp_file_that_the_next_write_removes(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from jcalc.safe_io import new_temp_file
        fd, temp = new_temp_file(Path({str(target)!r}))
        os.write(fd, b"half")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert result.returncode == -9
    assert len(list(tmp_path.glob(".export.json.*.tmp"))) == 1
    write_atomically(target, b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]


def test_read_regular_file_within_the_limit(tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_bytes(b"12345")
    assert read_regular_file(source, limit=5) == b"12345"
    with pytest.raises(SafeFileError, match="too large"):
        read_regular_file(source, limit=4)
    with pytest.raises(SafeFileError, match="file not found"):
        read_regular_file(tmp_path / "nope", limit=4)
    with pytest.raises(SafeFileError, match="is a folder"):
        read_regular_file(tmp_path, limit=4)


@posix_only
def test_fifo_and_devices_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # nobody writes to it: reading would wait forever
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(SafeFileError, match="not a regular file"):
            read_regular_file(path, limit=1000)
