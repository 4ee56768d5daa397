from __future__ import annotations

from madoguchi.shared.settings import ServiceSettings, settings_config


class RedactionSettings(ServiceSettings):
    """Environment: `MADOGUCHI_REDACTION_NATS__URL`, `MADOGUCHI_REDACTION_HTTP__PORT`, ..."""

    model_config = settings_config("redaction")
