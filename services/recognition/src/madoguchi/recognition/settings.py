from __future__ import annotations

from madoguchi.shared.settings import ServiceSettings, settings_config


class RecognitionSettings(ServiceSettings):
    """Environment: `MADOGUCHI_RECOGNITION_NATS__URL`, `MADOGUCHI_RECOGNITION_HTTP__PORT`, ..."""

    model_config = settings_config("recognition")
