from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from madoguchi.translation.engine import CTranslate2Engine

FIXTURE_MODEL = Path(__file__).parent / "fixture_model"
FIXTURE_CHECKPOINT = Path(__file__).parent / "fixture_checkpoint"
CORPUS = Path(__file__).parent.parent / "fixture_model" / "corpus.tsv"


@pytest.fixture(scope="session")
def corpus() -> list[tuple[str, str]]:
    """(ja, en) pairs the fixture model was trained on."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [(ja, en) for ja, en in pairs]


@pytest.fixture(scope="session")
def fixture_engine() -> Iterator[CTranslate2Engine]:
    """The real CTranslate2 translator on the committed test-fixture model (loaded once)."""
    yield CTranslate2Engine(FIXTURE_MODEL)
