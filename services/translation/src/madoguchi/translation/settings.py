from __future__ import annotations

from madoguchi.shared.settings import ServiceSettings, settings_config


class TranslationSettings(ServiceSettings):
    """Environment: `MADOGUCHI_TRANSLATION_NATS__URL`, `MADOGUCHI_TRANSLATION_HTTP__PORT`, ..."""

    model_config = settings_config("translation")
