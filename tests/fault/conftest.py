"""Fixtures for the fault suite: real service processes, an admin NATS handle, the report.

Helpers live in checker.py (importable thanks to the path below). The report (one row per
scenario) is written to test-artifacts/fault-report.md (override: MADOGUCHI_FAULT_REPORT) and
printed at the end of the run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checker import DEFAULT_REPORT, REPORT_ENV, History, render_table, write_report

from madoguchi.shared.natsconn import connect
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.services import ServiceProcess

TRANSLATION_FIXTURE = (Path(__file__).parents[2] / "services" / "translation" / "tests"
                       / "fixture_model")
_ROWS: list[dict[str, object]] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.fault)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _ROWS:
        return
    path = Path(os.environ.get(REPORT_ENV, DEFAULT_REPORT))
    write_report(_ROWS, path)
    terminalreporter.section("fault suite: accepted vs delivered")
    terminalreporter.write(render_table(_ROWS))
    terminalreporter.write_line(f"written to {path}")


@pytest.fixture
def history() -> Iterator[Callable[[str], History]]:
    """`history("name")` starts a scenario's record; its row is kept even when the test fails."""
    made: list[History] = []

    def make(scenario: str) -> History:
        made.append(History(scenario))
        return made[-1]

    yield make
    _ROWS.extend(h.row() for h in made)


@pytest_asyncio.fixture
async def admin(secure_nats: SecureNats) -> AsyncIterator[Client]:
    client = await connect(secure_nats.admin(), "admin")
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def spawn(secure_nats: SecureNats, tmp_path: Path) -> Iterator[Callable[..., ServiceProcess]]:
    """`spawn("translation", extra_env={...})` starts `python -m madoguchi.translation` (TLS, its
    own NATS user) and stops it after the test."""
    started: list[ServiceProcess] = []

    def start(service: str, extra_env: dict[str, str] | None = None, *, mode: str = "prod",
              nats: SecureNats | None = None) -> ServiceProcess:
        process = ServiceProcess(service, (nats or secure_nats).settings_for(service),
                                 tmp_path / "logs", extra_env, mode=mode)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def translation_env() -> dict[str, str]:
    # The labelled test-fixture model is refused in prod, hence mode="test" for this service.
    return {"MODEL_DIR": str(TRANSLATION_FIXTURE), "ALLOW_TEST_FIXTURE": "true"}
