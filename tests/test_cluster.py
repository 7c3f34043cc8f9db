"""Batch translation on a real Dask ``distributed`` cluster (scheduler and workers as processes).

The catalogs a cluster run writes must be a local run's, byte for byte
(the two header dates aside), also when a worker is killed in the middle,
and a re-run after the client was killed must translate only what is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEFAULT_DOC, LOCWORK, msgfmt_check

distributed = pytest.importorskip("distributed", reason="pip install 'locwork[cluster]' (distributed)")

ROUTES = ["--to", "es,ca", "--route", "es=apertium:fr-es", "--route", "ca=apertium:fr-ca", "--no-tm"]
DATE_LINES = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def _apertium_routes() -> None:
    from locwork.engines.registry import Engines

    with Engines(["apertium"]) as engines:
        pairs = set(engines.get("apertium").pairs())
    if not {("fr", "es"), ("fr", "ca")} <= pairs:
        pytest.skip("the Apertium fr-es and fr-ca pairs are not installed")


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            env=dict(os.environ, LOCWORK_CLUSTER_CHUNK="4"))


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def _worker(scheduler_file: Path, log: Path) -> subprocess.Popen:
    """``locwork worker`` (the thin wrapper over ``dask worker``), no nanny: its pid is the worker."""
    return _start([*LOCWORK, "worker", "--scheduler-file", str(scheduler_file), "--no-nanny",
                   "--no-dashboard"], log)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two workers, real processes; yields (address, scheduler file, client)."""
    _apertium_routes()
    folder = tmp_path_factory.mktemp("cluster")
    scheduler_file = folder / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")
    procs = [_start([dask, "scheduler", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(scheduler_file)], folder / "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        procs += [_worker(scheduler_file, folder / f"worker{n}.log") for n in (1, 2)]
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout=30)
        client.wait_for_workers(2, timeout=300)  # slow to start on a loaded machine
        address = json.loads(scheduler_file.read_text())["address"]
        yield address, scheduler_file, client
        client.close()
    finally:
        for proc in procs:
            _stop(proc)


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Eight small French documents cut from the repository's article."""
    folder = tmp_path_factory.mktemp("docs")
    paragraphs = [p for p in DEFAULT_DOC.read_text(encoding="utf-8").split("\n\n") if len(p) > 40]
    for n in range(8):
        (folder / f"doc{n}.txt").write_text("\n\n".join(paragraphs[n::8]) + "\n", encoding="utf-8")
    return folder


def _translate(cwd: Path, documents: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*LOCWORK, "translate", str(documents), *ROUTES, *extra], cwd=cwd,
                          capture_output=True, timeout=300, env=dict(os.environ, LOCWORK_CLUSTER_CHUNK="4"))


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, documents):
    """The catalogs of a local run (no cluster), by the CLI in this process (saves a start-up)."""
    from click.testing import CliRunner

    from locwork.cli import cli

    cwd = tmp_path_factory.mktemp("local")
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["translate", str(documents), *ROUTES])
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    return _catalogs(cwd)


def _catalogs(cwd: Path) -> dict[str, bytes]:
    """Every catalog under locales/, its two header dates left out."""
    found = {}
    for path in sorted((cwd / "locales").glob("*/*.po")):
        lines = path.read_bytes().splitlines(keepends=True)
        found[str(path.relative_to(cwd))] = b"".join(x for x in lines if not x.startswith(DATE_LINES))
    return found


def test_cluster_run_writes_the_local_catalogs(cluster, documents, local_run, tmp_path):
    address, _, _ = cluster
    result = _translate(tmp_path, documents, "--cluster", address)
    assert result.returncode == 0, result.stderr.decode()
    assert len(local_run) == 16
    assert _catalogs(tmp_path) == local_run
    msgfmt_check(tmp_path / "locales" / "es" / "doc0.po")


def test_killed_worker_changes_nothing(cluster, documents, local_run, tmp_path):
    """A third worker is killed while it holds tasks: they run elsewhere, catalogs are the same."""
    address, scheduler_file, client = cluster
    extra = _worker(scheduler_file, tmp_path / "worker3.log")
    try:
        client.wait_for_workers(3, timeout=300)
        victim = next(addr for addr, pid in client.run(os.getpid).items() if pid == extra.pid)
        run = subprocess.Popen([*LOCWORK, "translate", str(documents), *ROUTES, "--cluster", address],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ, LOCWORK_CLUSTER_CHUNK="4"))
        deadline = time.monotonic() + 120
        while not client.processing(workers=[victim]).get(victim):
            assert run.poll() is None, "the run ended before the worker got a task"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(extra.pid, signal.SIGKILL)
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    finally:
        _stop(extra)
    assert _catalogs(tmp_path) == local_run


def test_rerun_after_a_killed_client_does_only_what_is_left(cluster, documents, local_run, tmp_path):
    address, _, _ = cluster
    run = subprocess.Popen([*LOCWORK, "translate", str(documents), *ROUTES, "--cluster", address],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ, LOCWORK_CLUSTER_CHUNK="4"))
    deadline = time.monotonic() + 120
    while not list((tmp_path / "locales").glob("*/*.po")) and run.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    run.kill()
    run.communicate()
    written = set(_catalogs(tmp_path))
    again = _translate(tmp_path, documents, "--cluster", address, "--json")
    assert again.returncode == 0, again.stderr.decode()
    for report in json.loads(again.stdout):
        name = str(Path(report["catalog"]))
        if name in written:  # written before the kill: nothing to redo
            assert report["translated"] == 0, report
        else:
            assert report["translated"] == report["segments"], report
    assert _catalogs(tmp_path) == local_run


def test_pretranslate_on_the_cluster(cluster, tmp_path, run_cli):
    """Several catalogs, one command: the cluster fills them as a local run does."""
    address, _, _ = cluster
    body = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
            '#: src/app.c:{n}\n#, c-format\nmsgid "Impossible d\'ouvrir le fichier %s."\nmsgstr ""\n\n'
            'msgid "Le président a annulé le sommet {n}."\nmsgstr ""\n\n'
            'msgid "Déjà traduit"\nmsgstr "Ya traducido"\n')
    for where in ("local", "cluster"):
        for n in range(3):
            path = tmp_path / where / f"cat{n}.po"
            path.parent.mkdir(exist_ok=True)
            path.write_text(body.replace("{n}", str(n)), encoding="utf-8")
    common = ["--from", "fr", "--to", "es", "--route", "apertium:fr-es", "--no-tm"]
    from click.testing import CliRunner

    from locwork.cli import cli

    local = CliRunner().invoke(cli, ["pretranslate", *sorted(map(str, (tmp_path / "local").glob("*.po"))),
                                     *common])
    assert local.exit_code == 0, local.output
    clustered = run_cli("pretranslate", *sorted(map(str, (tmp_path / "cluster").glob("*.po"))),
                        *common, "--cluster", address, check=True)
    assert local.output.count("2 filled") == clustered.out.count("2 filled") == 3
    for n in range(3):
        assert (tmp_path / "cluster" / f"cat{n}.po").read_bytes() == \
            (tmp_path / "local" / f"cat{n}.po").read_bytes()
        msgfmt_check(tmp_path / "cluster" / f"cat{n}.po")


def test_unreachable_scheduler_is_one_line(tmp_path, documents, monkeypatch):
    from click.testing import CliRunner

    from locwork import cluster as cluster_mod
    from locwork.cli import cli

    _apertium_routes()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cluster_mod, "CONNECT_TIMEOUT", 2.0)  # the address refuses at once anyway
    result = CliRunner().invoke(cli, ["translate", str(documents / "doc0.txt"), *ROUTES,
                                      "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert result.output.startswith("locwork: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "locales").exists()


def test_a_run_whose_every_worker_died_ends_with_one_line(documents, tmp_path):
    """Its own scheduler and one worker, killed mid-run: the run ends (no hang), exit 1, one line,
    and the catalogs written before the kill stay valid."""
    _apertium_routes()
    scheduler_file = tmp_path / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")
    scheduler = _start([dask, "scheduler", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(scheduler_file)], tmp_path / "scheduler.log")
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.1)
        worker = _worker(scheduler_file, tmp_path / "worker.log")
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout=30)
        client.wait_for_workers(1, timeout=300)
        address = json.loads(scheduler_file.read_text())["address"]
        work = tmp_path / "work"
        work.mkdir()
        run = subprocess.Popen([*LOCWORK, "translate", str(documents), *ROUTES, "--cluster", address],
                               cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ, LOCWORK_CLUSTER_CHUNK="2",
                                        LOCWORK_CLUSTER_NO_WORKER_WAIT="3"))
        deadline = time.monotonic() + 120
        while not client.processing().get(next(iter(client.scheduler_info()["workers"]), ""), ()):
            assert run.poll() is None, "the run ended before the worker got a task"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
        client.close()
        out, err = run.communicate(timeout=120)
    finally:
        for proc in (scheduler, worker):
            if proc is not None:
                _stop(proc)
    lines = err.decode().strip().splitlines()
    assert run.returncode == 1, err.decode()
    assert lines and "no worker" in lines[-1] and "Traceback" not in err.decode()
    for path in (work / "locales").glob("*/*.po"):
        msgfmt_check(path)
