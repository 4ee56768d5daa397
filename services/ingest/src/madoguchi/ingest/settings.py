from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from madoguchi.ingest.audio_probe import AudioLimits
from madoguchi.shared.contracts.envelope import Token
from madoguchi.shared.settings import ServiceSettings, settings_config

DEFAULT_LANGUAGES = [
    "ja", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt-BR", "es", "tl", "id", "th", "my",
    "fr", "de", "ru", "uk",
]


class AudioSettings(BaseModel):
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    max_duration_s: float = Field(default=60.0, gt=0, le=600)
    max_channels: int = Field(default=2, ge=1, le=8)
    probe_workers: int = Field(default=2, ge=1, le=32)
    probe_timeout_s: float = Field(default=10.0, gt=0)
    probe_memory_mib: int = Field(default=1024, ge=256)

    def limits(self) -> AudioLimits:
        return AudioLimits(
            max_bytes=self.max_bytes, max_duration_s=self.max_duration_s,
            max_channels=self.max_channels, timeout_s=self.probe_timeout_s,
            worker_memory_bytes=self.probe_memory_mib * 1024 * 1024,
        )


class AuthSettings(BaseModel):
    token_secret: SecretStr | None = Field(
        default=None, description="HMAC key for staff session tokens (32+ random bytes)."
    )
    token_ttl_s: int = Field(default=8 * 3600, ge=60, description="One counter shift.")
    max_failures: int = Field(
        default=5, ge=1, description="Failed staff logins before that staff id is locked out.")
    lockout_s: int = Field(default=300, ge=1)
    logins_per_minute_per_source: int = Field(
        default=30, ge=1, description="Sign-in attempts per client address (then 429).")
    login_burst_per_source: int = Field(default=10, ge=1)
    logins_per_minute: int = Field(
        default=600, ge=1, description="Sign-in attempts in all, per replica (then 429).")
    hash_concurrency: int = Field(
        default=2, ge=1, le=16,
        description="argon2 verifications at once (each takes ~64 MiB): bounds login memory.")


class LimitSettings(BaseModel):
    requests_per_minute: int = Field(default=240, ge=1, description="Per device, per replica.")
    burst: int = Field(default=60, ge=1)
    max_json_bytes: int = Field(default=64 * 1024, ge=1024)


ConfirmMode = Literal["off", "warnings", "always"]


class ConfirmSettings(BaseModel):
    """Whether staff see a machine translation of their words before the visitor does.

    `warnings`: only when the meaning check warned; `always`: every machine translation (a
    reviewed fixed phrase is shown at once). Per counter, because the risk differs: a counter
    handling fees or deadlines may want `always`, an information desk `off`."""

    default: ConfirmMode = "off"
    counters: dict[Token, ConfirmMode] = Field(
        default_factory=dict, description='Counter id -> mode, e.g. {"koseki-3": "always"}.')

    def mode(self, counter_id: str) -> ConfirmMode:
        return self.counters.get(counter_id, self.default)


class IngestSettings(ServiceSettings):
    """Environment: `MADOGUCHI_INGEST_NATS__URL`, `MADOGUCHI_INGEST_AUTH__TOKEN_SECRET`, ..."""

    model_config = settings_config("ingest")

    auth: AuthSettings = AuthSettings()
    audio: AudioSettings = AudioSettings()
    limits: LimitSettings = LimitSettings()
    confirm: ConfirmSettings = Field(
        default_factory=ConfirmSettings,
        description="Confirm before showing, per counter (MADOGUCHI_INGEST_CONFIRM__COUNTERS).")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty: no CORS at all."
    )
    languages: list[str] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    phrases_file: Path | None = Field(
        default=None,
        description="Phrasebook JSON (madoguchi.shared.phrases format); default: the shipped one.",
    )
    session_idle_timeout_s: int = Field(default=900, ge=10)
    sweep_interval_s: float = Field(default=30.0, gt=0)
    erasure_second_pass_s: float = Field(
        default=130.0, gt=0,
        description="A closed session is purged once more after this long (> the longest "
                    "ack wait, 120 s): results of work in flight at the close are erased too.")
    redacted_content_days: float = Field(
        default=90, gt=0,
        description="How long the audit trail keeps a session's redacted content (audit's "
                    "CONTENT_RETENTION_DAYS; Helm sets both from audit.contentRetentionDays): "
                    "the erasure receipt says so.")
    sse_heartbeat_s: float = Field(default=15.0, gt=0)
    sse_recheck_s: float = Field(
        default=5.0, gt=0,
        description="An open event stream re-checks its sign-in (revoked device, disabled "
                    "staff, expired token) this often and ends when it no longer holds.")

    def secrets(self) -> dict[str, SecretStr | None]:
        return super().secrets() | {"auth.token_secret": self.auth.token_secret}
