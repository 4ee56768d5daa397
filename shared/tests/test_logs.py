"""Structured logs: one JSON format for every line a service prints."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from madoguchi.shared.runtime.logs import (
    adopt_library_loggers,
    configure_logging,
    quiet_known_noise,
)

pytestmark = pytest.mark.fast


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    """configure_logging binds the root handler to this test's captured stderr: put the
    previous handlers back, or later tests log into a closed stream."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_library_loggers_print_through_the_json_formatter(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A library with its own plain-text handler (as whisperx and Lightning set up) is adopted:
    one JSON line per record, no coloured or plain text in between."""
    configure_logging("recognition")
    library = logging.getLogger("whisperx.test-library")
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
    library.addHandler(plain)
    library.propagate = False
    adopt_library_loggers()
    library.warning("No language specified")
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["logger"] == "whisperx.test-library" and entry["service"] == "recognition"


def test_the_known_asyncio_tls_warning_is_dropped_and_others_are_not(
        capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("ingest")
    quiet_known_noise()
    asyncio_log = logging.getLogger("asyncio")
    asyncio_log.warning("returning true from eof_received() has no effect when using ssl")
    asyncio_log.warning("Task was destroyed but it is pending!")
    lines = [json.loads(line)["msg"] for line in capsys.readouterr().err.splitlines() if line]
    assert lines == ["Task was destroyed but it is pending!"]
