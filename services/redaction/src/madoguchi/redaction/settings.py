from __future__ import annotations

from pydantic import Field

from madoguchi.shared.settings import ServiceSettings, settings_config


class RedactionSettings(ServiceSettings):
    """Environment: `MADOGUCHI_REDACTION_NATS__URL`, `MADOGUCHI_REDACTION_HTTP__PORT`, ..."""

    model_config = settings_config("redaction")

    concurrency: int = Field(
        default=4, ge=1, le=64,
        description="Events in hand at once (the analyzer itself runs one at a time).")
