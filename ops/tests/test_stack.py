"""`madoguchi up --detach` / `status` / `down` as an operator runs them: real processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from madoguchi.ops.stack import DEFAULT_PORTS
from madoguchi.testing.embedded.ports import port_is_free


def _cli(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "madoguchi.ops", *args, "--home", str(home)],
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def _stack_processes(home: Path) -> list[psutil.Process]:
    """This stack's processes: the home folder is on their command line (NATS, PostgreSQL, the
    supervisor) or in their environment (each service's NATS CA file), so another stack or test
    run on the same machine is not counted as left behind."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        try:
            env = " ".join(proc.environ().values())
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            env = ""
        if (str(home) in cmd or str(home) in env) and not _exited(proc):
            found.append(proc)
    return found


def _exited(proc: psutil.Process) -> bool:
    """A zombie has exited: only its reaper is missing (in a container whose PID 1 reaps no
    orphans, the children of a killed supervisor stay zombies until the container ends)."""
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_up_status_down_leaves_nothing_behind(tmp_path: Path) -> None:
    home = tmp_path / "stack"
    started = _cli(home, "up", "--detach")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        for name in ("ingest", "recognition", "translation", "redaction", "synthesis", "audit"):
            assert f"http://127.0.0.1:{DEFAULT_PORTS[name]}" in started.stdout
        assert f"tablet app  http://127.0.0.1:{DEFAULT_PORTS['ingest']}/app/" in started.stdout
        # a fresh install has no translation model: the banner says what that means
        assert "translation no model installed: fixed phrases only" in started.stdout
        # speech works from the first day: the voices come with the install
        assert "ja=kokoro-ja-jf_alpha (natural)" in started.stdout
        assert "en=piper-en_US-joe-medium (natural)" in started.stdout
        assert "vi=espeak-ng-vi (robotic)" in started.stdout
        for log in (home / "logs").glob("*.log"):  # quiet: no TLS noise, no tracebacks
            text = log.read_text(errors="replace")
            assert "eof_received" not in text and "Traceback" not in text, log.name
        status = _cli(home, "status")
        assert status.returncode == 0, status.stdout
        assert status.stdout.count(" ok") == 8
        assert (home / "secrets.json").stat().st_mode & 0o077 == 0
    finally:
        stopped = _cli(home, "down")
    assert stopped.returncode == 0 and "stack stopped" in stopped.stdout
    deadline = time.monotonic() + 10
    while _stack_processes(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stack_processes(home) == []
    assert all(port_is_free("127.0.0.1", port) for port in DEFAULT_PORTS.values())
    assert _cli(home, "status").returncode == 1


def test_killed_supervisor_leaves_no_orphans(tmp_path: Path) -> None:
    """Even SIGKILL of `madoguchi up` (no chance to clean up) takes every child down with it."""
    home = tmp_path / "stack"
    started = _cli(home, "up", "--detach")
    assert started.returncode == 0, started.stdout + started.stderr
    import json
    import os
    import signal

    state = json.loads((home / "stack.json").read_text())
    children = [psutil.Process(pid) for pid in state["pids"].values()]
    os.kill(state["supervisor_pid"], signal.SIGKILL)
    _gone, alive = psutil.wait_procs(children, timeout=20)
    for proc in alive:
        proc.kill()
    assert [proc for proc in alive if not _exited(proc)] == []
    # NATS went down with the rest: services say so in one line each, never a traceback
    for log in (home / "logs").glob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log.name
    deadline = time.monotonic() + 20
    while _stack_processes(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stack_processes(home) == []
    assert all(port_is_free("127.0.0.1", port) for port in DEFAULT_PORTS.values())
