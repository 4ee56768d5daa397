"""Scenario 1: SIGKILL each worker process mid-stream, restart it: nothing lost, nothing twice.

Traffic is what the upstream service would publish (with that service's NATS user); outputs are
read back from the streams by utterance id (or from PostgreSQL by event id for the audit
service). The publisher keeps going while the worker is dead, so events also queue up behind
the kill.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from checker import History, field_of, read_subject, settle, shorten_ack_wait
from nats.aio.client import Client
from nats.js.client import JetStreamContext

from madoguchi.recognition.testing import clips, installed_whisper_base, stored_form
from madoguchi.shared.contracts import (
    AudioReference,
    AuditActor,
    AuditEvent,
    UtteranceReceived,
    UtteranceTranscribed,
)
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import AUDIO_BUCKET, AUDIT, CONVERSATION
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.services import ServiceProcess
from madoguchi.testing.events import origin_for
from madoguchi.testing.stack import audit_env

ACK_WAIT = 4.0  # see shorten_ack_wait: recovery after a SIGKILL is bounded by the ack wait
TEXTS = ("転入届を出してください。", "在留カードを見せてください。", "住民票が必要です。",
         "少々お待ちください。")


def transcribed(session: str, n: int) -> UtteranceTranscribed:
    return UtteranceTranscribed(
        event_id=f"{session}-tr-{n}", session_id=session, utterance_id=f"u{n}",
        speaker="staff", status="text", text=TEXTS[n % len(TEXTS)], language="ja",
        audio_duration_ms=1500, model_id="whisper-base", origin=origin_for(session, f"u{n}"),
    )


async def publish_over_time(js: JetStreamContext, events: list[UtteranceTranscribed],
                            history: History, spacing: float) -> None:
    for event in events:
        await publish_event(js, event)  # returns after the stream's ack: "accepted"
        history.accept([event.utterance_id])
        await asyncio.sleep(spacing)


async def wait_for(read: Callable[[], object], at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = len(await read())  # type: ignore[misc]
        if seen >= at_least:
            break
        await asyncio.sleep(0.1)
    return seen


async def kill_mid_stream(
    process: ServiceProcess, js: JetStreamContext, admin: Client, history: History,
    subject: str, stream: str, total: int, *, key: str = "utterance_id",
) -> None:
    """Publish `total` events over time; SIGKILL the worker once some results exist (while the
    publisher still runs), restart it, and check every accepted utterance arrives once."""
    events = [transcribed(f"s-{process.service}", n) for n in range(total)]
    publisher = asyncio.create_task(publish_over_time(js, events, history, spacing=0.05))

    async def read() -> list[str]:
        return [field_of(raw, key) for raw in await read_subject(admin.jetstream(), stream,
                                                                 subject)]

    assert await wait_for(read, 3, 60) >= 3, process.log_file.read_text()[-2000:]
    history.fault()
    process.kill()
    at_kill = len(await read())
    assert not publisher.done(), "the kill must land while traffic is still flowing"
    await asyncio.sleep(1.0)  # a dead worker while events keep arriving
    process.start()
    await publisher
    await settle(history, read, timeout=90)
    history.note = f"SIGKILL {process.service} after {at_kill} results; ack_wait {ACK_WAIT}s"
    history.check()


async def test_translation_sigkill(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History], translation_env: dict[str, str],
) -> None:
    await shorten_ack_wait(admin.jetstream(), "translation", ACK_WAIT)
    process = spawn("translation", translation_env, mode="test")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    try:
        h = history("kill translation")
        await kill_mid_stream(process, recognition.jetstream(), admin, h,
                              "mg.v1.utterance.translated.s-translation", CONVERSATION, 60)
        audit = history("kill translation: its audit events")
        audit.accept(h.accepted)
        subject = "mg.v1.audit.translation.translation.s-translation"
        await settle(audit, lambda: _audit_ids(admin, subject),
                     timeout=10, quiet=0)
        audit.check()
    finally:
        await recognition.close()


async def test_redaction_sigkill(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History],
) -> None:
    await shorten_ack_wait(admin.jetstream(), "redaction", ACK_WAIT)
    process = spawn("redaction")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    try:
        await kill_mid_stream(process, recognition.jetstream(), admin, history("kill redaction"),
                              "mg.v1.audit.redaction.content.s-redaction", AUDIT, 60)
    finally:
        await recognition.close()


async def _audit_ids(admin: Client, subject: str) -> list[str]:
    return [field_of(raw, "utterance_id") for raw in await read_subject(admin.jetstream(), AUDIT,
                                                                          subject)]


def audit_rows(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        try:
            rows = conn.execute("SELECT event_id FROM audit_events").fetchall()
        except psycopg.errors.UndefinedTable:
            return []
    return [str(row[0]) for row in rows]


async def test_audit_sigkill(
    secure_nats: SecureNats, admin: Client, postgres_dsn: str, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History],
) -> None:
    await shorten_ack_wait(admin.jetstream(), "audit", ACK_WAIT)
    process = spawn("audit", audit_env(postgres_dsn))
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    h = history("kill audit (rows in PostgreSQL)")

    async def read() -> list[str]:
        return await asyncio.to_thread(audit_rows, postgres_dsn)

    async def publish(total: int) -> None:
        for n in range(total):
            event = AuditEvent(event_id=f"a{n}", kind="session", action="opened",
                               outcome="success", session_id=f"s{n % 7}",
                               actor=AuditActor(service="ingest"))
            await publish_event(ingest.jetstream(), event)
            h.accept([event.event_id])
            if n % 20 == 0:
                await asyncio.sleep(0.05)

    try:
        publisher = asyncio.create_task(publish(400))
        assert await wait_for(read, 30, 60) >= 30, process.log_file.read_text()[-2000:]
        h.fault()
        process.kill()
        await publisher
        assert len(await read()) < len(h.accepted), "the kill should land mid-stream"
        process.start()
        await settle(h, read, timeout=90)
        h.note = f"SIGKILL audit mid-stream; ack_wait {ACK_WAIT}s"
        h.check()
    finally:
        await ingest.close()


async def test_recognition_sigkill(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History], tmp_path: Path,
) -> None:
    """Real whisper-base on the CPU: few, short clips. The kill lands while a clip is being
    transcribed (the first result has not appeared yet, the audio is in the bucket)."""
    model = installed_whisper_base()
    # Longer than one short clip takes on two CPU cores, so only the kill causes redelivery.
    await shorten_ack_wait(admin.jetstream(), "recognition", 15.0)
    process = spawn("recognition", {"MODELS_DIR": str(model.path.parent)})
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    h = history("kill recognition (whisper-base)")
    subject = "mg.v1.utterance.transcribed.s-rec"

    async def read() -> list[str]:
        return [field_of(raw, "utterance_id")
                for raw in await read_subject(admin.jetstream(), CONVERSATION, subject)]

    try:
        js = ingest.jetstream()
        store = await js.object_store(AUDIO_BUCKET)
        for n, clip in enumerate(sorted(clips(), key=lambda c: c.path.stat().st_size)[:3]):
            data = clip.path.read_bytes()
            stored = stored_form(data)  # as ingest stores it
            event = UtteranceReceived(
                event_id=f"rec-{n}", session_id="s-rec", utterance_id=f"u{n}",
                speaker="visitor",
                audio=AudioReference(
                    bucket=AUDIO_BUCKET, key=f"s-rec-u{n}", stored_bytes=len(stored),
                    sha256=hashlib.sha256(data).hexdigest(), format="wav", codec="pcm_s16le",
                    sample_rate=16_000, channels=1, duration_ms=len(data) // 32,
                    size_bytes=len(data)),
                language_hints=["ja", "en"], origin=origin_for("s-rec", f"u{n}"),
            )
            await store.put(event.audio.key, stored)
            await publish_event(js, event)
            h.accept([event.utterance_id])
        await asyncio.sleep(0.5)  # the worker has pulled the first clip and is transcribing
        delivered_at_kill = len(await read())
        h.fault()
        process.kill()
        assert delivered_at_kill < len(h.accepted), "the kill should land mid-stream"
        process.start()
        await settle(h, read, timeout=120)
        h.note = f"SIGKILL recognition with {delivered_at_kill} of 3 done; ack_wait 15s"
        h.check()
    finally:
        await ingest.close()
