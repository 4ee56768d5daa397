from __future__ import annotations

from madoguchi.shared.settings import ServiceSettings, settings_config


class AuditSettings(ServiceSettings):
    """Environment: `MADOGUCHI_AUDIT_NATS__URL`, `MADOGUCHI_AUDIT_HTTP__PORT`, ..."""

    model_config = settings_config("audit")
