"""PII canary: planted identifiers go through the whole stack (every service a real process);
none of them may surface in logs, spans, metrics or dead-letter reasons/headers.

The planted values: a My Number with a valid check digit, a mobile number, a residence card
number, a name and an address — in typed text (both directions), in an over-long text that
translation dead-letters, in a malformed event that fails validation, in a WAV file's metadata
chunk, and as the staff id of a failed sign-in. Dead letters' `payload_b64` legitimately holds
the original event (it lives only in the short-lived DEADLETTER stream); we assert it does hold
the canary — proof the values really went through — and that everything else is clean.
"""

from __future__ import annotations

import asyncio
import base64
import json
import struct
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from madoguchi.recognition.testing import clips, installed_whisper_base
from madoguchi.redaction.identifiers import my_number_check_digit
from madoguchi.shared.span_scrubbing import ScrubbingSpanExporter
from madoguchi.shared.streams import DEADLETTER
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.collect import read_stored
from madoguchi.testing.ingest.harness import admin_client, audit_events, enrol, sign_in
from madoguchi.testing.otlp import OtlpReceiver
from madoguchi.testing.stack import StackModels, running_stack

MY_NUMBER = "31415926535" + str(my_number_check_digit("31415926535"))
PHONE = "090-2718-2818"
CARD = "AB27182818CD"
NAME = "綾瀬川紗希"
ADDRESS = "東京都練馬区豊玉北6-12-1"
PLANTED = (MY_NUMBER, PHONE, PHONE.replace("-", ""), CARD, NAME, ADDRESS)
JA_TEXT = (f"{NAME}さんの住所は{ADDRESS}です。電話は{PHONE}、マイナンバーは{MY_NUMBER}、"
           f"在留カードは{CARD}です。")
EN_TEXT = f"My number is {MY_NUMBER}, my phone is {PHONE} and my card is {CARD}."
TRANSLATION_FIXTURE = (Path(__file__).parents[2] / "services" / "translation" / "tests"
                       / "fixture_model")


def leaks(where: str, text: str) -> list[str]:
    """Planted values found in `text`, raw or as JSON's \\u escapes."""
    found = []
    for value in PLANTED:
        escaped = json.dumps(value)[1:-1]
        if value in text or escaped in text:
            found.append(f"{where}: {value}")
    return found


def test_exported_spans_are_scrubbed() -> None:
    """Attributes, recorded exceptions and status texts pass the scrubber before export."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(ScrubbingSpanExporter(memory)))
    tracer = provider.get_tracer("canary")
    with pytest.raises(ValueError), tracer.start_as_current_span("stage") as span:
        span.set_attribute("note", JA_TEXT)
        span.set_attribute("values", [PHONE, CARD])
        raise ValueError(f"bad input {EN_TEXT}")
    (exported,) = memory.get_finished_spans()
    dump = json.dumps({"attributes": dict(exported.attributes or {}),
                       "events": [dict(e.attributes or {}) for e in exported.events],
                       "status": exported.status.description}, ensure_ascii=False)
    assert len(leaks("control", JA_TEXT)) == 5  # the detector itself finds every planted value
    assert leaks("control", json.dumps(NAME)) == [f"control: {NAME}"]  # also \u-escaped
    assert leaks("span", dump) == []
    assert "<NUMBER>" in dump and "<ID>" in dump and "<TEXT>" in dump  # masked, not dropped


def wav_with_metadata(wav: bytes, comment: str) -> bytes:
    """Append a RIFF LIST/INFO chunk (ICMT) holding `comment`, as recorder apps do."""
    text = comment.encode() + b"\0"
    if len(text) % 2:
        text += b"\0"
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(text)) + text
    body = wav[8:] + b"LIST" + struct.pack("<I", len(info)) + info
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.fixture
def otlp(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "200")
    receiver = OtlpReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


def _metrics(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        return str(response.read().decode())


async def _dead_letters(admin: Any, expected: int) -> list[dict[str, Any]]:
    js = admin.jetstream()
    for _ in range(180):
        letters = [json.loads(msg.data) | {"nats_headers": dict(msg.headers or {})}
                   for msg in await read_stored(js, DEADLETTER, "mg.v1.deadletter.>")]
        if len(letters) >= expected:
            return letters
        await asyncio.sleep(1)
    raise TimeoutError(f"expected {expected} dead letters")


@pytest.mark.slow
async def test_planted_identifiers_never_leave_the_conversation(
    secure_nats: SecureNats, postgres_dsn: str, tmp_path: Path, otlp: OtlpReceiver,
) -> None:
    logs = tmp_path / "logs"
    audio = next(c for c in clips() if c.file == "ja_mynumber.wav").path.read_bytes()
    models = StackModels(installed_whisper_base().path.parent, TRANSLATION_FIXTURE)
    metrics: dict[str, str] = {}
    with running_stack(secure_nats, logs, postgres_dsn=postgres_dsn, models=models,
                       otlp_endpoint=otlp.endpoint,
                       extra={"translation": {"MAX_CHARS": "300"}}) as services:
        admin = await admin_client(secure_nats)
        try:
            tablet = await enrol(admin)
            async with httpx.AsyncClient(base_url=services["ingest"].url, timeout=30) as http:
                refused = await http.post("/v1/auth/login", json={
                    "device_id": tablet.device_id, "device_secret": tablet.device_secret,
                    "staff_id": PHONE, "password": MY_NUMBER})
                assert refused.status_code == 401
                auth = await sign_in(http, tablet)
                session_id = (await http.post("/v1/sessions", headers=auth, json={
                    "counter_id": "counter-7", "staff_language": "ja",
                    "visitor_language": "en"})).json()["session_id"]
                texts = [("staff", JA_TEXT), ("visitor", EN_TEXT),
                         ("staff", (JA_TEXT * 8)[:1500])]  # over MAX_CHARS: refused
                for n, (speaker, text) in enumerate(texts):
                    sent = await http.post(f"/v1/sessions/{session_id}/texts", headers=auth,
                                           json={"speaker": speaker, "text": text},
                                           params={}, )
                    assert sent.status_code == 202, (n, sent.text)
                upload = await http.post(
                    f"/v1/sessions/{session_id}/utterances", params={"speaker": "staff"},
                    content=wav_with_metadata(audio, f"{NAME} {ADDRESS} {PHONE}"),
                    headers=auth | {"Idempotency-Key": "canary-audio",
                                    "Content-Type": "application/octet-stream"})
                assert upload.status_code in (202, 415, 422), upload.text
                # A malformed event straight onto the stream (validation must not echo it).
                await admin.jetstream().publish(
                    f"mg.v1.text.submitted.{session_id}",
                    json.dumps({"event_id": "canary-bad", "session_id": session_id,
                                "text": JA_TEXT, "speaker": NAME}).encode())
                delivered_expected = 3 if upload.status_code == 202 else 2
                for _ in range(240):
                    delivered = [e for e in await audit_events(admin, "utterance")
                                 if e["action"] == "delivered"]
                    if len(delivered) >= delivered_expected:
                        break
                    await asyncio.sleep(1)
                assert len(delivered) >= delivered_expected
                letters = await _dead_letters(admin, 2)
                closed = await http.post(f"/v1/sessions/{session_id}/close", headers=auth)
                assert closed.status_code == 200, closed.text
        finally:
            await admin.close()
        await asyncio.sleep(1)  # the last audit events reach their consumers
        metrics = {name: _metrics(process.url) for name, process in services.items()}
    # The stack has stopped: every process flushed its spans and wrote its last log line.

    # Positive control: the canary really went through (else this test could not fail).
    payloads = " ".join(json.dumps(json.loads(base64.b64decode(d["payload_b64"])),
                                   ensure_ascii=False) for d in letters)
    assert MY_NUMBER in payloads and NAME in payloads
    assert {d["reason_code"] for d in letters} >= {"invalid_event"}
    assert len(otlp.spans) > 20

    found: list[str] = []
    for log_file in sorted(logs.glob("*.log")):
        found += leaks(log_file.name, log_file.read_text(errors="replace"))
    for name, text in metrics.items():
        found += leaks(f"{name} /metrics", text)
    for body in otlp.bodies:
        found += leaks("OTLP body", body.decode("utf-8", errors="replace"))
    found += leaks("spans", json.dumps([s.raw for s in otlp.spans], ensure_ascii=False))
    for letter in letters:
        clean = {k: v for k, v in letter.items() if k != "payload_b64"}
        found += leaks(f"dead letter {letter['reason_code']}", json.dumps(clean,
                                                                        ensure_ascii=False))
    assert found == []
