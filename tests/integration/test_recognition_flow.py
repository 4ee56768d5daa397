"""Recognition end to end over real NATS (TLS, per-service users) with the real model.

Ingest's part is played by the ingest NATS user (audio into the object store, then
`UtteranceReceived`); results are read with the admin user.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from nats.aio.client import Client
from nats.js.client import JetStreamContext

from madoguchi.recognition.service import attach
from madoguchi.recognition.settings import RecognitionSettings
from madoguchi.recognition.testing import (
    clips,
    installed_whisper_base,
    stored_form,
    whisper_base_engine,
)
from madoguchi.recognition.worker import EnginePool, RecognitionHandler
from madoguchi.shared.contracts import (
    AudioReference,
    DeadLetter,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceTranscribed,
)
from madoguchi.shared.contracts.events import AuditEvent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import NOTHING, Context, ServiceRuntime
from madoguchi.shared.streams import AUDIO_BUCKET, CONVERSATION
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.slow


def _clip(name: str) -> bytes:
    return next(c for c in clips() if c.file == name).path.read_bytes()


def _received(session: str, utterance: str, data: bytes, *, sha256: str | None = None,
              hints: tuple[str, ...] = ("ja", "en")) -> UtteranceReceived:
    return UtteranceReceived(
        session_id=session, utterance_id=utterance, speaker="visitor",
        audio=AudioReference(
            bucket=AUDIO_BUCKET, key=f"{session}-{utterance}", stored_bytes=len(data),
            sha256=sha256 or hashlib.sha256(data).hexdigest(), format="wav",
            codec="pcm_s16le", sample_rate=16_000, channels=1,
            duration_ms=len(data) // 32, size_bytes=len(data),
        ),
        language_hints=list(hints), origin=origin_for(session, utterance),
    )


async def _send(js: JetStreamContext, event: UtteranceReceived, data: bytes, *,
                stored: bytes | None = None) -> None:
    """Play ingest: store the clip decoded (as ingest does), then publish the event."""
    store = await js.object_store(AUDIO_BUCKET)
    await store.put(event.audio.key, stored_form(data) if stored is None else stored)
    await publish_event(js, event)


async def _next(js: JetStreamContext, subject: str, timeout: float = 60.0) -> bytes:
    sub = await js.subscribe(subject, ordered_consumer=True)
    try:
        msg = await sub.next_msg(timeout=timeout)
        return msg.data
    finally:
        await sub.unsubscribe()


async def _audio_chunks(admin: JetStreamContext) -> int:
    """Chunk messages (the audio bytes) left in the bucket's stream."""
    info = await admin.stream_info(f"OBJ_{AUDIO_BUCKET}", subjects_filter=f"$O.{AUDIO_BUCKET}.C.>")
    return sum((info.state.subjects or {}).values())


async def _count(admin: JetStreamContext, subject: str) -> int:
    info = await admin.stream_info(CONVERSATION, subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


@pytest_asyncio.fixture
async def conns(secure_nats: SecureNats) -> AsyncIterator[dict[str, Client]]:
    clients = {
        "admin": await connect(secure_nats.admin(), "admin"),
        "ingest": await connect(secure_nats.settings_for("ingest"), "ingest"),
        "recognition": await connect(secure_nats.settings_for("recognition"), "recognition"),
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.close()


@pytest_asyncio.fixture
async def running_worker(secure_nats: SecureNats) -> AsyncIterator[ServiceRuntime]:
    model = installed_whisper_base()
    settings = RecognitionSettings(
        env="test", nats=secure_nats.settings_for("recognition"),
        models_dir=model.path.parent,
    )
    runtime = ServiceRuntime("recognition", settings)
    attach(runtime, EnginePool([whisper_base_engine()]), settings)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


async def test_received_to_transcribed_then_audio_deleted(
    running_worker: ServiceRuntime, conns: dict[str, Client],
) -> None:
    ingest, admin = conns["ingest"].jetstream(), conns["admin"].jetstream()
    data = _clip("ja_mynumber.wav")
    event = _received("sess-1", "utt-1", data)
    await _send(ingest, event, data)
    assert await _audio_chunks(admin) >= 1  # the check below can fail

    result = UtteranceTranscribed.model_validate_json(
        await _next(admin, "mg.v1.utterance.transcribed.sess-1"))
    assert result.status == "text" and "マイナンバーカード" in result.text
    assert result.utterance_id == "utt-1" and result.speaker == "visitor"
    assert result.language == "ja" and result.language_probability is not None
    assert result.language_probability > 0.9
    assert result.model_id == installed_whisper_base().model_id
    assert 2000 < result.audio_duration_ms < 4000

    audit = AuditEvent.model_validate_json(
        await _next(admin, "mg.v1.audit.recognition.recognition.sess-1"))
    assert audit.attributes["utterance_id"] == "utt-1" and audit.attributes["status"] == "text"
    assert "マイナンバー" not in audit.model_dump_json()  # metadata only

    # The transcript is published before the ack; the audio is gone (purged, not just marked).
    for _ in range(50):
        if await _audio_chunks(admin) == 0:
            break
        await __import__("asyncio").sleep(0.1)
    assert await _audio_chunks(admin) == 0


async def test_silence_gives_no_speech_not_text(
    running_worker: ServiceRuntime, conns: dict[str, Client],
) -> None:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x00" * 16_000 * 2)
    data = buffer.getvalue()
    ingest, admin = conns["ingest"].jetstream(), conns["admin"].jetstream()
    await _send(ingest, _received("sess-2", "utt-1", data), data)
    result = UtteranceTranscribed.model_validate_json(
        await _next(admin, "mg.v1.utterance.transcribed.sess-2"))
    assert result.status == "no_speech" and result.text == "" and result.language is None


async def test_corrupt_object_dead_letters_and_worker_keeps_running(
    running_worker: ServiceRuntime, conns: dict[str, Client],
) -> None:
    ingest, admin = conns["ingest"].jetstream(), conns["admin"].jetstream()
    garbage = bytes(range(255)) * 8 + b"\x01"  # not whole 16-bit samples
    bad = _received("sess-3", "utt-bad", garbage)
    await _send(ingest, bad, garbage, stored=garbage)

    failed = UtteranceFailed.model_validate_json(
        await _next(admin, "mg.v1.utterance.failed.sess-3"))
    assert failed.utterance_id == "utt-bad" and failed.stage == "recognition"
    assert failed.reason_code == "audio_undecodable"
    letter = DeadLetter.model_validate_json(
        await _next(admin, "mg.v1.deadletter.recognition.sess-3"))
    assert letter.reason_code == "audio_undecodable" and letter.original_event_id == bad.event_id
    assert json.loads(base64.b64decode(letter.payload_b64))["utterance_id"] == "utt-bad"

    data = _clip("en_address.wav")
    await _send(ingest, _received("sess-3", "utt-good", data), data)
    result = UtteranceTranscribed.model_validate_json(
        await _next(admin, "mg.v1.utterance.transcribed.sess-3"))
    assert result.utterance_id == "utt-good" and result.language == "en"
    assert "register" in result.text.casefold()


async def test_redelivery_and_lost_audio_are_answered_without_a_second_transcript(
    conns: dict[str, Client],
) -> None:
    """Crash windows, replayed on the handler with the recognition user's own permissions:
    the outcome deletes the audio only after publishing (its `after` step); a redelivery that
    finds the audio gone answers nothing (the transcript is out already); a first delivery
    without audio (expired, or erased with its session) answers with a failed event."""
    from madoguchi.recognition.locks import LanguageLocks
    from madoguchi.shared.objects import AudioObjects

    ingest, admin = conns["ingest"].jetstream(), conns["admin"].jetstream()
    handler = RecognitionHandler(
        EnginePool([whisper_base_engine()]), bucket=AUDIO_BUCKET, locks=LanguageLocks(0.8),
        audio=AudioObjects(conns["recognition"].jetstream(), AUDIO_BUCKET))
    data = _clip("ja_tennyu.wav")
    event = _received("sess-4", "utt-1", data, hints=("ja",))
    store = await ingest.object_store(AUDIO_BUCKET)

    def attempt(n: int) -> Context:
        return Context("recognition", event.subject(), n, 3)

    await store.put(event.audio.key, stored_form(data))
    first = await handler.handle(event, attempt(1))
    assert [type(e) for e in first.events] == [UtteranceTranscribed, AuditEvent]
    assert first.refusal is None
    assert await _audio_chunks(admin) >= 1  # not deleted before the runtime published
    for clean_up in first.after:
        await clean_up()
    assert await _audio_chunks(admin) == 0
    assert await handler.handle(event, attempt(2)) == NOTHING

    lost = _received("sess-4", "utt-lost", data)
    answer = await handler.handle(lost, attempt(1))
    assert answer.refusal is None
    assert [(type(e), getattr(e, "reason_code", None)) for e in answer.events] == [
        (UtteranceFailed, "audio_unavailable")]

    # An event naming another bucket is refused before anything is read.
    elsewhere = _received("sess-5", "utt-1", data)
    elsewhere = elsewhere.model_copy(
        update={"audio": elsewhere.audio.model_copy(update={"bucket": "credentials"})})
    refused = await handler.handle(elsewhere, attempt(1))
    assert refused.refusal is not None
    assert refused.refusal.reason_code == "audio_bucket_unexpected"
    assert [type(e) for e in refused.events] == [UtteranceFailed]
