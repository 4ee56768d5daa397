from __future__ import annotations

import pytest

from madoguchi.recognition.engine import RecognitionEngine
from madoguchi.recognition.testing import installed_whisper_base, whisper_base_engine
from madoguchi.shared.models.store import InstalledModel


@pytest.fixture(scope="session")
def whisper_base() -> InstalledModel:
    return installed_whisper_base()


@pytest.fixture(scope="session")
def engine() -> RecognitionEngine:
    return whisper_base_engine()
