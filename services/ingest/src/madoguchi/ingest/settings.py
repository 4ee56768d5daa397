from __future__ import annotations

from madoguchi.shared.settings import ServiceSettings, settings_config


class IngestSettings(ServiceSettings):
    """Environment: `MADOGUCHI_INGEST_NATS__URL`, `MADOGUCHI_INGEST_HTTP__PORT`, ..."""

    model_config = settings_config("ingest")
