"""Atomic writes and the inter-process lock."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from locwork import atomic
from locwork.atomic import atomic_write_bytes, atomic_write_text, locked
from locwork.errors import LocworkError

pytestmark = pytest.mark.timeout(60)


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_write_new_and_replace(tmp_path):
    target = tmp_path / "a.po"
    atomic_write_bytes(target, b"one\n")
    assert target.read_bytes() == b"one\n"
    atomic_write_text(target, "deux é\n", "iso-8859-15")
    assert target.read_bytes() == "deux é\n".encode("iso-8859-15")
    assert leftovers(tmp_path) == []


def test_new_file_gets_umask_mode_and_replacement_keeps_mode(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "new.po"
        atomic_write_bytes(target, b"x")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o600)
        atomic_write_bytes(target, b"y")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        target.chmod(0o664)
        atomic_write_bytes(target, b"z")
        assert stat.S_IMODE(target.stat().st_mode) == 0o664
    finally:
        os.umask(old)


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod"])
def test_failure_in_the_middle_keeps_the_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "cat.po"
    target.write_bytes(b"original\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, failing, boom)
    with pytest.raises(LocworkError) as info:
        atomic_write_bytes(target, b"new content that never lands\n" * 1000)
    monkeypatch.undo()
    assert "No space left on device" in str(info.value) and "\n" not in str(info.value)
    assert target.read_bytes() == b"original\n"
    assert leftovers(tmp_path) == []


def test_non_os_error_propagates_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "cat.po"
    target.write_bytes(b"original\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"original\n"
    assert leftovers(tmp_path) == []


def test_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(LocworkError, match="cannot write"):
        atomic_write_bytes(tmp_path / "nope" / "x.po", b"x")


def test_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.po"
    real.write_bytes(b"old")
    link = tmp_path / "link.po"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_lock_is_reentrant_in_one_thread(tmp_path):
    target = tmp_path / "cat.po"
    with locked(target):
        with locked(target, timeout=0.5):
            atomic_write_bytes(target, b"x")
    with locked(target, timeout=0.5):
        pass


def _hold(path, ready, release):
    with locked(path):
        ready.set()
        release.wait(20)


def test_lock_held_by_another_process_times_out(tmp_path):
    target = tmp_path / "cat.po"
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(target), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        with pytest.raises(LocworkError) as info:
            with locked(target, timeout=0.2):
                pass
        message = str(info.value)
        assert "is locked by another process" in message and str(target) in message
        assert "\n" not in message
    finally:
        release.set()
        holder.join(20)
    with locked(target, timeout=5):  # released when the holder is done
        pass


def test_lock_excludes_other_threads(tmp_path):
    target = tmp_path / "cat.po"
    inside = threading.Event()
    leave = threading.Event()

    def hold():
        with locked(target):
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert inside.wait(10)
        with pytest.raises(LocworkError, match="locked by another process"):
            with locked(target, timeout=0.2):
                pass
    finally:
        leave.set()
        thread.join(10)


def test_lock_released_when_holder_dies(tmp_path):
    target = tmp_path / "cat.po"
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(target), ready, release))
    holder.start()
    assert ready.wait(20)
    holder.kill()
    holder.join(20)
    with locked(target, timeout=5):
        pass


# ------------------------------------------------ lock files and temp files left behind


def test_lock_file_is_removed_after_the_block_even_on_error(tmp_path):
    target = tmp_path / "cat.po"
    with locked(target):
        assert (tmp_path / "cat.po.lock").exists()
        with locked(target):  # re-entrant: the inner block must not remove the outer's file
            pass
        assert (tmp_path / "cat.po.lock").exists()
        atomic_write_bytes(target, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat.po"]
    with pytest.raises(ValueError):
        with locked(target):
            raise ValueError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat.po"]


def _count(path, times):
    """Read-modify-write a counter ``times`` times under the lock (lost updates show up)."""
    for _ in range(times):
        with locked(path, timeout=60):
            value = int(path.read_text()) if path.exists() else 0
            atomic_write_text(path, str(value + 1))


def test_writers_still_serialize_while_lock_files_come_and_go(tmp_path):
    """Each release unlinks the lock file, so waiters keep meeting fresh inodes: no update is lost."""
    target = tmp_path / "counter"
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    workers = [ctx.Process(target=_count, args=(target, 60)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(50)
        assert worker.exitcode == 0
    assert target.read_text() == "240"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter"]


_KILLED_WRITER = r"""
import os, sys, time
from locwork import atomic
real = os.fsync
def fsync_then_hang(fd):  # the data is in the temp file: stop here until killed
    real(fd)
    print("writing", flush=True)
    time.sleep(120)
atomic.os.fsync = fsync_then_hang
atomic.atomic_write_bytes(sys.argv[1], b"half of a new catalog")
"""


def test_a_killed_writer_leaves_its_temp_file_and_the_next_write_removes_it(tmp_path):
    target = tmp_path / "doc.po"
    target.write_bytes(b"old\n")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], stdout=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    try:
        assert child.stdout.readline() == b"writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(20)
    assert child.returncode == -signal.SIGKILL
    (left,) = leftovers(tmp_path)
    assert re.fullmatch(r"\.doc\.po\.[0-9a-f]{8}\.tmp", left)
    assert target.read_bytes() == b"old\n"
    # Other files that look alike are not this target's temp files: they stay.
    other = [".doc.po.tmp", ".doc.po.zzzzzzzz.tmp", ".other.po.0123abcd.tmp", "doc.po.0123abcd.tmp"]
    for name in other:
        (tmp_path / name).write_bytes(b"x")
    old = time.time() - atomic.STALE_TEMP_AGE - 60
    for name in [left, *other]:
        os.utime(tmp_path / name, (old, old))
    young = tmp_path / ".doc.po.89abcdef.tmp"  # a write in progress elsewhere: too recent to touch
    young.write_bytes(b"y")
    with locked(target):
        atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert not (tmp_path / left).exists()
    assert young.exists() and all((tmp_path / name).exists() for name in other)


def test_no_lock_file_beside_a_catalog_after_a_failed_command_outside_the_project(tmp_path, run_cli):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    po = outside / "cat.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
                  'msgid "Bonjour."\nmsgstr "Hola."\n', encoding="utf-8")
    (outside / "out.po").mkdir()  # the write fails under the lock: "Is a directory"
    project = tmp_path / "project"
    project.mkdir()
    failed = run_cli("pretranslate", str(po), "--from", "fr", "--to", "es", "-o", str(outside / "out.po"),
                     "--no-tm", cwd=project)
    assert failed.returncode == 1 and "Is a directory" in failed.err
    assert sorted(p.name for p in outside.iterdir()) == ["cat.po", "out.po"]
    done = run_cli("pretranslate", str(po), "--from", "fr", "--to", "es", "-o", str(outside / "copy.po"),
                   "--no-tm", cwd=project)
    assert done.returncode == 0, done.err
    assert sorted(p.name for p in outside.iterdir()) == ["cat.po", "copy.po", "out.po"]
