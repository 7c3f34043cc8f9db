"""Atomic writes and the inter-process lock."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading

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
