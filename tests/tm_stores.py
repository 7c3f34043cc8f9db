"""The translation-memory stores the memory tests run against: SQLite and a real PostgreSQL.

``postgres_server`` starts a throw-away PostgreSQL server for the session:
``initdb`` and ``pg_ctl`` (found on PATH, else in /usr/lib/postgresql/*/bin)
in a temporary folder, listening only on a Unix socket there
(``listen_addresses=''``). PostgreSQL refuses to run as root, so under root
(as on the dev machine and in CI) the server runs as ``nobody`` through
``runuser``/``setpriv``. Skips with the reason when that cannot be done.
Each test gets a database of its own (``CREATE DATABASE``).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

SERVER_USER = "locwork"


def postgres_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return versions[-1] if versions else None


def _as_server_user() -> list[str]:
    """The command prefix that runs a program as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        raise RuntimeError("PostgreSQL refuses to run as root and there is no user 'nobody' to run it as") \
            from None
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    raise RuntimeError("PostgreSQL refuses to run as root, and neither setpriv nor runuser is here to drop "
                       "to 'nobody'")


class PostgresServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.counter = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql:///{database}?host={self.folder}&user={SERVER_USER}"

    def new_database(self) -> str:
        import psycopg

        name = f"tm_{os.getpid()}_{next(self.counter)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template1")
        return self.url(name)


def start_server(folder: Path) -> tuple[PostgresServer, Callable[[], None]]:
    """A PostgreSQL server in ``folder`` (made here, removed by the returned ``stop``).

    RuntimeError with the reason when it cannot be started. Used by the
    fixture below and by bench/tm_lookup.py.
    """
    import psycopg

    initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    prefix = _as_server_user()
    data = folder / "data"
    if prefix:
        os.chmod(folder, 0o777)  # noqa: S103 (the unprivileged server writes its socket and data here)
    run: dict = {"check": True, "capture_output": True, "timeout": 120, "cwd": folder}

    def stop() -> None:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)

    try:
        subprocess.run(prefix + [initdb, "-D", str(data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8",
                                 "--locale=C.UTF-8", "-N"], **run)
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
                                 f"-c listen_addresses='' -k {folder} -c fsync=off -c full_page_writes=off "
                                 "-c synchronous_commit=off -c max_connections=50 -c shared_buffers=256MB "
                                 "-c maintenance_work_mem=256MB", "start"], **run)
        server = PostgresServer(folder)
        with psycopg.connect(server.url("postgres"), autocommit=True):
            pass
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, psycopg.Error) as error:
        log = (folder / "log").read_text(errors="replace")[-500:] if (folder / "log").exists() else ""
        stderr = getattr(error, "stderr", b"") or b""
        stop()
        raise RuntimeError(f"could not start a PostgreSQL server: {stderr.decode(errors='replace')[-300:]} "
                           f"{log} {error}") from None
    return server, stop


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'locwork[postgres]')")
    try:
        server, stop = start_server(Path(tempfile.mkdtemp(prefix="locwork-pg-")))
    except RuntimeError as error:
        pytest.skip(str(error))
    try:
        yield server
    finally:
        stop()


class Locations:
    """Fresh memory locations in one store: ``make("one")`` → a path (SQLite) or a URL (PostgreSQL)."""

    def __init__(self, kind: str, folder: Path, server: PostgresServer | None):
        self.kind, self.folder, self.server = kind, folder, server

    def __call__(self, name: str = "tm") -> str | Path:
        if self.server is None:
            return self.folder / "memories" / f"{name}.sqlite"
        return self.server.new_database()

    def project(self, project: Path, monkeypatch: pytest.MonkeyPatch) -> str | Path:
        """The project's memory: ``<project>/.locwork/tm.sqlite``, or a database named by ``$LOCWORK_TM``."""
        if self.server is None:
            return project / ".locwork" / "tm.sqlite"
        url = self.server.new_database()
        monkeypatch.setenv("LOCWORK_TM", url)
        return url


@pytest.fixture(params=["sqlite", "postgresql"])
def tm_location(request, tmp_path) -> Locations:
    """Run the test once per store (see :class:`Locations`)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    return Locations(request.param, tmp_path, server)
