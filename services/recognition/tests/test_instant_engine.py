"""The benchmark-only instant engine: selectable outside prod, refused in prod."""

from __future__ import annotations

import numpy as np
import pytest

from madoguchi.recognition.service import StartupError, load_engines
from madoguchi.recognition.settings import RecognitionSettings

pytestmark = pytest.mark.fast


def test_instant_engine_is_refused_in_prod() -> None:
    with pytest.raises(StartupError, match="refused in prod"):
        load_engines(RecognitionSettings.model_validate({"env": "prod", "engine": "instant"}))


async def test_instant_engine_answers_in_the_allowed_language() -> None:
    pool = load_engines(RecognitionSettings.model_validate({"env": "test", "engine": "instant"}))
    assert pool.model_id == "instant-benchmark-engine"
    transcript = await pool.transcribe(np.zeros(16_000, dtype=np.float32), ["ja"])
    assert transcript.status == "text" and transcript.language == "ja" and transcript.text
