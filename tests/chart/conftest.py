"""Fixtures for the chart tests (helpers in chartkit.py, importable thanks to the path below)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chartkit import (
    CHART,
    NATS_STUB,
    Objects,
    Values,
    base_values,
    merge,
    render_chart,
)


@pytest.fixture(scope="session")
def chart_with_stub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the chart whose `charts/nats` is the labelled test stub."""
    root = tmp_path_factory.mktemp("chart")
    target = root / "madoguchi"
    shutil.copytree(CHART, target)
    shutil.copytree(NATS_STUB, target / "charts" / "nats")
    return target


@pytest.fixture(scope="session")
def bare_chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the chart exactly as committed: the NATS dependency is missing."""
    root = tmp_path_factory.mktemp("bare")
    target = root / "madoguchi"
    shutil.copytree(CHART, target)
    return target




@pytest.fixture(scope="session")
def render(chart_with_stub: Path) -> Callable[..., Objects]:
    def _render(extra: Values | None = None) -> Objects:
        return render_chart(chart_with_stub, merge(base_values(), extra or {}))

    return _render


@pytest.fixture(scope="session")
def default_objects(render: Callable[..., Objects]) -> Objects:
    return render()
