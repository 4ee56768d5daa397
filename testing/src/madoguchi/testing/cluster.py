"""A secured NATS server as the product runs it: TLS, one user per service, topology applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from madoguchi.shared.permissions import ADMIN, all_permissions
from madoguchi.shared.settings import NatsSettings
from madoguchi.testing.embedded.nats import (
    NatsServer,
    NatsServerConfig,
    NatsUser,
    random_encryption_key,
    random_secret,
)
from madoguchi.testing.embedded.tls import TlsFiles, make_loopback_tls


@dataclass
class SecureNats:
    server: NatsServer
    tls: TlsFiles
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def settings_for(self, service: str) -> NatsSettings:
        """Connection settings for `service` (or `admin`), as its process would be configured."""
        return NatsSettings(
            url=self.url, user=service, password=SecretStr(self.passwords[service]),
            ca_file=self.tls.ca_file,
        )

    def admin(self) -> NatsSettings:
        return self.settings_for(ADMIN)


def secure_nats_server(
    directory: Path, *, encrypted: bool = True, sync_always: bool = False, port: int = 0,
    monitor_port: int | None = None, passwords: dict[str, str] | None = None,
    tls: TlsFiles | None = None, encryption_key: str | None = None,
) -> SecureNats:
    """Render and start a nats-server with TLS, per-service users and encryption at rest."""
    tls = tls or make_loopback_tls(directory / "tls")
    passwords = passwords or {name: random_secret() for name in all_permissions()}
    users = [
        NatsUser(name, passwords[name], permissions)
        for name, permissions in all_permissions().items()
    ]
    config = NatsServerConfig(
        store_dir=directory / "jetstream", port=port, monitor_port=monitor_port, tls=tls,
        users=users,
        encryption_key=(encryption_key or random_encryption_key()) if encrypted else None,
        sync_always=sync_always,
    )
    return SecureNats(NatsServer(config).start(), tls, passwords)
