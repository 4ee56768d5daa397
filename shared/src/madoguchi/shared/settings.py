"""Settings every service shares. Each service subclasses `ServiceSettings` with its own prefix.

Fail closed: outside `MADOGUCHI_ENV=dev` a service refuses to start without real credentials and
TLS to NATS (the seed: 通信内容は暗号化し ... 成りすましを防止する).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from madoguchi.shared.telemetry import OtelSettings

WEAK_SECRETS = frozenset({"", "changeme", "change-me", "password", "secret", "dev", "madoguchi"})


class InsecureSettingsError(ValueError):
    """Raised at start-up when a production setting is missing or left at a default."""


class NatsSettings(BaseModel):
    url: str = "nats://127.0.0.1:4222"
    user: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    connect_timeout: float = 5.0
    initial_connect_timeout: float = 30.0

    @property
    def uses_tls(self) -> bool:
        return self.url.startswith("tls://") or self.ca_file is not None


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535, description="0: pick a free port")
    forwarded_allow_ips: list[str] = Field(
        default_factory=list, max_length=32,
        description="Addresses or CIDRs of the proxies (the ingress controller) whose "
                    "X-Forwarded-For names the client. Empty: the header is ignored and the "
                    "peer is the client (uvicorn would otherwise trust it from localhost).")


class ServiceSettings(BaseSettings):
    """Base for per-service settings: `MADOGUCHI_<SERVICE>_NATS__URL` and so on."""

    model_config = SettingsConfigDict(
        env_nested_delimiter="__", extra="forbid", hide_input_in_errors=True,
        validate_by_name=True,
    )

    env: Literal["dev", "test", "prod"] = Field(
        default="prod", validation_alias="MADOGUCHI_ENV",
        description="Anything but dev/test enforces real secrets and TLS.",
    )
    nats: NatsSettings = NatsSettings()
    http: HttpSettings = HttpSettings()
    otel: OtelSettings = OtelSettings()
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    def secrets(self) -> dict[str, SecretStr | None]:
        """Secrets that must be real outside dev; subclasses add their own."""
        return {"nats.password": self.nats.password}

    def production_problems(self) -> list[str]:
        """What else a service refuses to run without outside dev/test; names, never values."""
        return []

    def require_secure(self) -> ServiceSettings:
        """Raise `InsecureSettingsError` (naming settings, never values) unless safe to run."""
        if self.env in ("dev", "test"):
            return self
        problems = [
            f"{name} is missing or a default"
            for name, value in self.secrets().items()
            if value is None or value.get_secret_value().strip().lower() in WEAK_SECRETS
        ]
        if not self.nats.user:
            problems.append("nats.user is missing")
        if not self.nats.uses_tls:
            problems.append("nats.url must use TLS (tls://...) or nats.ca_file must be set")
        problems += self.production_problems()
        if problems:
            raise InsecureSettingsError(
                "refusing to start outside MADOGUCHI_ENV=dev: " + "; ".join(problems)
            )
        return self


def settings_config(service: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=f"MADOGUCHI_{service.upper()}_", env_nested_delimiter="__", extra="forbid",
        hide_input_in_errors=True, validate_by_name=True,
    )
