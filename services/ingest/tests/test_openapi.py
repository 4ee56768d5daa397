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


@pytest.mark.parametrize(("env", "docs_status"), [("prod", 404), ("dev", 200)])
def test_docs_pages_are_not_served_in_prod(env: str, docs_status: int) -> None:
    """FastAPI's /docs loads scripts from a CDN (unreachable from the counter network, refused
    by the CSP): not in prod. The OpenAPI JSON is served either way."""
    from fastapi.testclient import TestClient

    from madoguchi.ingest.app import create_app
    from madoguchi.ingest.settings import IngestSettings

    settings = IngestSettings.model_construct(**IngestSettings(env="dev").__dict__ | {"env": env})
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == docs_status
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 200
