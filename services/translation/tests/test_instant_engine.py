"""The benchmark-only instant engine: selectable outside prod, refused in prod."""

from __future__ import annotations

import pytest

from madoguchi.translation.service import ModelRefusedError, build_pipeline
from madoguchi.translation.settings import TranslationSettings

pytestmark = pytest.mark.fast


def test_instant_engine_is_refused_in_prod() -> None:
    with pytest.raises(ModelRefusedError, match="refused in prod"):
        build_pipeline(TranslationSettings.model_validate({"env": "prod", "engine": "instant"}))


async def test_instant_engine_echoes_through_the_pipeline() -> None:
    pipeline = build_pipeline(TranslationSettings.model_validate(
        {"env": "test", "engine": "instant", "batch_wait_ms": 0.0}))
    result = await pipeline.translate("benchmark utterance", "en", "ja")
    assert result.target_text == "benchmark utterance"
    assert result.model_id == "instant-benchmark-engine"
