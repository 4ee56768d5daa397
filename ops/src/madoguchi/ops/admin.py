"""How the operator CLI reaches NATS: admin settings from the environment or the local stack."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from madoguchi.shared.settings import NatsSettings, ServiceSettings, settings_config


class AdminSettings(ServiceSettings):
    """`MADOGUCHI_ADMIN_NATS__URL`, `..._USER`, `..._PASSWORD`, `..._CA_FILE` (Helm hook jobs)."""

    model_config = settings_config("admin")


def admin_nats(home: Path | None) -> NatsSettings:
    """The local stack's admin credentials when `home` holds one, else the environment's."""
    from madoguchi.ops.stack import StackPaths, load_secrets, load_state

    if home is not None:
        paths = StackPaths(home)
        state = load_state(paths)
        if state is not None:
            secrets = load_secrets(paths)
            return NatsSettings(
                url=state["nats_url"], user="admin",
                password=SecretStr(secrets["nats_passwords"]["admin"]),
                ca_file=paths.tls / "ca.pem",
            )
    return AdminSettings().require_secure().nats
