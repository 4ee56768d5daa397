from __future__ import annotations

import pytest

from madoguchi.redaction.detector import Detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    # Real GiNZA + spaCy pipelines: loaded once per test session (seconds).
    return Detector()
