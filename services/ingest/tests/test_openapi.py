"""The OpenAPI document is the tablets' contract: a change must be reviewed and re-exported."""

from __future__ import annotations

import json

import pytest

from madoguchi.ingest.openapi import SNAPSHOT, document, render

pytestmark = pytest.mark.fast


def test_openapi_snapshot_is_up_to_date() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == render(), (
        "the ingest API changed: review it, then run "
        "`.venv/bin/python -m madoguchi.ingest.openapi --write`"
    )


def test_architecture_interface_is_present() -> None:
    paths = json.loads(json.dumps(document()))["paths"]
    for path, method in [
        ("/v1/sessions", "post"), ("/v1/sessions/{session_id}/utterances", "post"),
        ("/v1/sessions/{session_id}/texts", "post"), ("/v1/sessions/{session_id}/events", "get"),
        ("/v1/sessions/{session_id}/close", "post"), ("/v1/languages", "get"),
        ("/v1/phrases", "get"), ("/healthz", "get"), ("/readyz", "get"),
    ]:
        assert method in paths[path], path
