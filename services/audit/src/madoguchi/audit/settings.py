from __future__ import annotations

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
    migrate_on_start: bool = Field(
        default=True,
        description="Apply migrations at start (the local stack, whose login owns the schema). "
        "The Helm chart sets false: a migration Job runs as the owner, the service's login may "
        "only INSERT and SELECT, and the service refuses to start on an older schema.",
    )
    checkpoint_public_key: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}(,[0-9a-f]{64})*$",
        description="Hex Ed25519 public key of the checkpoint signer (`madoguchi audit keygen`): "
        "the only key /v1/audit/verify trusts; after a key rotation, the old keys too, "
        "comma-separated. Required outside dev/test.",
    )
    console_session_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of the auditor console's session cookies (the same on every "
        "replica); default: derived from the database DSN, which every replica shares.")
    console_session_ttl_s: int = Field(default=1800, ge=60, le=12 * 3600,
                                       description="A console sign-in lasts this long.")
    content_retention_days: float = Field(
        default=90, gt=0,
        description="How long auditors can read a session's (redacted) conversation content; "
        "then its data key is destroyed and an erasure certificate recorded.",
    )
    shred_interval_s: float = Field(default=3600.0, gt=0,
                                    description="How often due content keys are destroyed.")
    failed_login_window_s: float = Field(
        default=60.0, gt=0,
        description="Refused auditor sign-ins after the first in a window are counted and "
        "recorded as one summary row, so junk cannot flood the permanent trail.")
    logins_per_minute_per_source: int = Field(default=10, ge=1)
    logins_per_minute: int = Field(default=60, ge=1)
    hash_concurrency: int = Field(default=2, ge=1, le=16,
                                  description="argon2 verifications at once (memory bound).")
    api_connections: int = Field(
        default=10, ge=1, le=100,
        description="PostgreSQL connections the API holds at once per pod (replicas x this, "
        "plus one each for the consumer, must stay under the server's max_connections).")
    api_connection_wait_s: float = Field(
        default=10.0, gt=0, description="How long a request waits for one; then 503.")
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

    def production_problems(self) -> list[str]:
        if self.checkpoint_public_key is None:
            return ["checkpoint_public_key is missing (verification must pin the signer's key)"]
        return []


def _password_of(dsn: SecretStr | None) -> SecretStr | None:
    """A DSN counts as a secret by its password: a DSN without one is as bad as none."""
    if dsn is None:
        return None
    from urllib.parse import urlsplit

    password = urlsplit(dsn.get_secret_value()).password
    return SecretStr(password or "")
