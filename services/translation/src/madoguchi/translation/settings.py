from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from madoguchi.shared.settings import ServiceSettings, settings_config


class TranslationSettings(ServiceSettings):
    """Environment: `MADOGUCHI_TRANSLATION_NATS__URL`, `MADOGUCHI_TRANSLATION_MODEL`, ..."""

    model_config = settings_config("translation")

    model: str = Field(default="m2m100-418m",
                       description="Catalogue name of the installed model (`madoguchi models`).")
    model_dir: Path | None = Field(
        default=None, description="A converted model folder; overrides `model` (tests, bundles).")
    models_dir: Path | None = Field(default=None, description="Default: MADOGUCHI_MODELS_DIR.")
    allow_test_fixture: bool = Field(
        default=False, description="Serve the labelled test-fixture model (never in prod).")
    engine: Literal["ctranslate2", "instant"] = Field(
        default="ctranslate2", description="instant: benchmark-only engine, refused in prod.")
    device: str = "cpu"
    compute_type: str = "default"
    inter_threads: int = Field(default=1, ge=1, le=16)
    intra_threads: int = Field(default=0, ge=0, le=64)
    beam_size: int = Field(default=2, ge=1, le=8)
    max_chars: int = Field(
        default=2000, ge=1, le=4000,
        description="Longest text translated: as long as ingest accepts typed text (2000).")
    max_input_tokens: int = Field(default=256, ge=8, le=1024)
    concurrency: int = Field(
        default=32, ge=1, le=256,
        description="Events in hand at once; the batching engine translates them together.")
    batch_wait_ms: float = Field(
        default=0.0, ge=0.0, le=200.0,
        description="Extra wait for company before an idle engine starts a batch. 0: start at "
                    "once; what arrives while a batch runs is batched anyway.")
