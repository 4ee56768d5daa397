from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from madoguchi.shared.settings import ServiceSettings, settings_config


class DatabaseSettings(BaseModel):
    dsn: SecretStr | None = Field(
        default=None,
        description="libpq URI of the audit database. The service connects with it, applies "
        "migrations, then works as the INSERT/SELECT-only role `madoguchi_audit_app`.",
    )
    pool_size: int = Field(default=4, ge=1, le=64)


class AuditSettings(ServiceSettings):
    """Environment: `MADOGUCHI_AUDIT_NATS__URL`, `MADOGUCHI_AUDIT_DATABASE__DSN`, ..."""

    model_config = settings_config("audit")

    database: DatabaseSettings = DatabaseSettings()
    signing_key_file: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM, PKCS#8) that signs checkpoints. Unset: the "
        "service writes no periodic checkpoints (`madoguchi audit checkpoint` can).",
    )
    concurrency: int = Field(
        default=256, ge=1, le=1024,
        description="Events in hand at once; those that arrive together share one transaction.")
    checkpoint_interval_s: float = Field(default=300.0, gt=0)
    retention_s: int = Field(
        default=3600, gt=0,
        description="Conversation retention the erasure report checks sessions against.",
    )

    def secrets(self) -> dict[str, SecretStr | None]:
        return super().secrets() | {"database.dsn": _password_of(self.database.dsn)}


def _password_of(dsn: SecretStr | None) -> SecretStr | None:
    """A DSN counts as a secret by its password: a DSN without one is as bad as none."""
    if dsn is None:
        return None
    from urllib.parse import urlsplit

    password = urlsplit(dsn.get_secret_value()).password
    return SecretStr(password or "")
