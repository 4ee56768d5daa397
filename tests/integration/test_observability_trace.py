"""One utterance is one trace across every service PROCESS, and the stages are measured.

Every service runs as `python -m madoguchi.<service>` and exports spans over OTLP/HTTP to a
real receiver in this test (protobuf decoded with `opentelemetry-proto`), so this is also the
OTLP smoke test. The W3C context travels in NATS headers: the upload's SERVER span at ingest is
the ancestor of recognition's, translation's, redaction's and audit's CONSUMER spans.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from madoguchi.audit import queries
from madoguchi.audit.db import connect_app
from madoguchi.recognition.testing import clips, installed_whisper_base
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.harness import admin_client, audit_events, enrol, sign_in
from madoguchi.testing.otlp import OtlpReceiver, ReceivedSpan
from madoguchi.testing.stack import StackModels, running_stack

pytestmark = pytest.mark.slow

TRANSLATION_FIXTURE = (Path(__file__).parents[2] / "services" / "translation" / "tests"
                       / "fixture_model")
UPLOAD_SPAN = "POST /v1/sessions/{session_id}/utterances"


@pytest.fixture
def otlp(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "200")  # export within 0.2 s, not 5 s
    receiver = OtlpReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


def stack_models() -> StackModels:
    return StackModels(installed_whisper_base().path.parent, TRANSLATION_FIXTURE)


def _svc(span: ReceivedSpan) -> str:
    return span.service.removeprefix("madoguchi-")


def utterance_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    uploads = [s for s in spans if _svc(s) == "ingest" and s.name == UPLOAD_SPAN
               and s.attributes.get("http.response.status_code") == {"intValue": "202"}]
    if not uploads:
        return []
    return [s for s in spans if s.trace_id == uploads[0].trace_id]


def _trace_complete(spans: list[ReceivedSpan]) -> bool:
    trace = utterance_trace(spans)
    by_id = {s.span_id: s for s in trace}
    redaction = [s for s in trace if _svc(s) == "redaction"]
    audit_of_redaction = [s for s in trace if _svc(s) == "audit"
                          and _svc(by_id.get(s.parent_span_id, s)) == "redaction"]
    return ({_svc(s) for s in trace} >= {"ingest", "recognition", "translation", "audit"}
            and len(redaction) >= 2 and len(audit_of_redaction) >= 2)


async def _wait_audit(admin: Any, kind: str, predicate: Any,
                      timeout: float = 180) -> dict[str, Any]:
    for _ in range(int(timeout)):
        found = [e for e in await audit_events(admin, kind) if predicate(e)]
        if found:
            return found[0]
        await asyncio.sleep(1)
    raise TimeoutError(f"no {kind} audit event")


async def _usage_when_stored(dsn: str) -> dict[str, Any]:
    async with await connect_app(dsn) as conn:
        for _ in range(60):
            usage = await queries.usage(conn, None, None)
            if usage["utterances_per_day"]:
                return usage
            await asyncio.sleep(1)
    raise TimeoutError("the audit service did not store the utterance")


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of the first sample of `name` that carries `labels` (others may be present)."""
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line
                                               for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    near = [line for line in text.splitlines() if line.startswith(name)]
    raise AssertionError(f"no sample {name} {labels} among {near}")


def _metrics(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        return str(response.read().decode())


async def test_one_utterance_is_one_trace_across_processes_and_is_measured(
    secure_nats: SecureNats, postgres_dsn: str, tmp_path: Path, otlp: OtlpReceiver,
) -> None:
    audio = next(c for c in clips() if c.file == "ja_tennyu.wav").path.read_bytes()
    with running_stack(secure_nats, tmp_path / "logs", postgres_dsn=postgres_dsn,
                       models=stack_models(), otlp_endpoint=otlp.endpoint) as services:
        admin = await admin_client(secure_nats)
        try:
            tablet = await enrol(admin)
            async with httpx.AsyncClient(base_url=services["ingest"].url, timeout=30) as http:
                auth = await sign_in(http, tablet)
                opened = await http.post("/v1/sessions", headers=auth, json={
                    "counter_id": "counter-3", "staff_language": "ja",
                    "visitor_language": "en"})
                session_id = opened.json()["session_id"]
                upload = await http.post(
                    f"/v1/sessions/{session_id}/utterances", params={"speaker": "staff"},
                    content=audio, headers=auth | {"Idempotency-Key": "u1",
                                                   "Content-Type": "application/octet-stream"})
                assert upload.status_code == 202, upload.text
                rejected = await http.post(
                    f"/v1/sessions/{session_id}/utterances", params={"speaker": "staff"},
                    content=b"this is not audio at all", headers=auth | {
                        "Idempotency-Key": "u2", "Content-Type": "application/octet-stream"})
                assert rejected.status_code == 415, rejected.text
            utterance_id = upload.json()["utterance_id"]
            delivered = await _wait_audit(admin, "utterance", lambda e: e["action"] == "delivered")
        finally:
            await admin.close()

        # The end-to-end record the usage report reads (kind `utterance`).
        attributes = delivered["attributes"]
        assert delivered["session_id"] == session_id
        assert attributes["utterance_id"] == utterance_id
        assert attributes["counter_id"] == "counter-3"
        assert attributes["language"] == "en"  # the visitor's side of the conversation
        assert isinstance(attributes["latency_ms"], int) and attributes["latency_ms"] > 0
        assert delivered["actor"]["device_id"] == tablet.device_id
        usage = await _usage_when_stored(postgres_dsn)  # what auditors' usage report shows
        assert usage["utterances_per_counter"] == {"counter-3": 1}
        assert usage["utterances_per_language"] == {"en": 1}
        assert usage["utterances_per_device"] == {tablet.device_id: 1}
        assert usage["latency_ms_per_stage"]["translation"]["median"] == attributes["latency_ms"]

        try:
            spans = await asyncio.to_thread(otlp.wait_for, _trace_complete, 60)
        finally:  # for the reader of a failure: every span received, one per line
            (tmp_path / "spans.txt").write_text("\n".join(
                f"{s.service} {s.name!r} trace={s.trace_id} span={s.span_id} "
                f"parent={s.parent_span_id}" for s in otlp.spans))
        trace = utterance_trace(spans)
        by_id = {s.span_id: s for s in trace}
        root = next(s for s in trace if s.name == UPLOAD_SPAN)
        assert root.parent_span_id == "" and root.kind == 2  # SERVER, a fresh root
        assert root.attributes["http.response.status_code"] == {"intValue": "202"}

        def parent_service(span: ReceivedSpan) -> str:
            return _svc(by_id[span.parent_span_id]) if span.parent_span_id in by_id else "?"

        recognition = [s for s in trace if _svc(s) == "recognition"]
        translation = [s for s in trace if _svc(s) == "translation"]
        assert [parent_service(s) for s in recognition] == ["ingest"]
        assert recognition[0].attributes["madoguchi.utterance_id"] == {"stringValue": utterance_id}
        assert [parent_service(s) for s in translation] == ["recognition"]
        assert sorted(parent_service(s) for s in trace if _svc(s) == "redaction") == [
            "recognition", "translation"]
        assert {parent_service(s) for s in trace if _svc(s) == "audit"} >= {
            "ingest", "recognition", "translation", "redaction"}
        assert all(s.kind == 5 for s in trace if s is not root)  # CONSUMER
        # The rejected upload is a trace of its own.
        assert len({s.trace_id for s in spans if s.name == UPLOAD_SPAN}) == 2

        # Logs carry the trace id inside the handlers.
        for name in ("recognition", "translation"):
            lines = [json.loads(line) for line in
                     (tmp_path / "logs" / f"{name}.log").read_text().splitlines()
                     if line.startswith("{")]
            assert any(entry.get("trace_id") == root.trace_id for entry in lines), name

        ingest_metrics = _metrics(services["ingest"].url)
        assert _sample(ingest_metrics, "madoguchi_uploads_rejected_total",
                       reason_code="not_audio") == 1
        translation_metrics = _metrics(services["translation"].url)
        assert _sample(translation_metrics, "madoguchi_utterance_latency_seconds_count",
                       source_language="ja", target_language="en") == 1
        assert _sample(translation_metrics, "madoguchi_model_load_seconds_count",
                       service="translation") == 1
        recognition_metrics = _metrics(services["recognition"].url)
        assert _sample(recognition_metrics, "madoguchi_model_load_seconds_count",
                       service="recognition") == 1
        assert _sample(recognition_metrics, "madoguchi_events_processed_total",
                       service="recognition", outcome="ok") == 1
        assert _sample(recognition_metrics, "madoguchi_event_processing_seconds_count",
                       service="recognition") == 1
