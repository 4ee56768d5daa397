"""The privacy boundary, enforced by NATS itself (not by our code): prove it on a real server."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import APIError

from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    SessionOpened,
    UtteranceTranslated,
)
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.events import origin_for


async def _connect_recording(secure: SecureNats, service: str) -> tuple[Client, list[str]]:
    errors: list[str] = []

    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))

    client = await connect(secure.settings_for(service), service, error_cb=on_error)
    return client, errors


async def test_audit_user_cannot_subscribe_to_conversation(secure_nats: SecureNats) -> None:
    client, errors = await _connect_recording(secure_nats, "audit")
    try:
        await client.subscribe("mg.v1.utterance.>")
        await client.flush()
        await asyncio.sleep(0.2)
        assert any("permissions violation" in e.lower() for e in errors), errors
    finally:
        await client.close()


async def test_audit_user_cannot_read_conversation_through_jetstream(
    secure_nats: SecureNats,
) -> None:
    client = await connect(secure_nats.settings_for("audit"), "audit")
    try:
        js = client.jetstream()
        with pytest.raises((NatsTimeout, APIError)):
            await js.pull_subscribe("mg.v1.utterance.>", durable="sneaky", stream="CONVERSATION")
        with pytest.raises((NatsTimeout, APIError)):
            await js.get_msg("CONVERSATION", 1)
    finally:
        await client.close()


async def test_audit_user_cannot_eavesdrop_on_other_inboxes(secure_nats: SecureNats) -> None:
    client, errors = await _connect_recording(secure_nats, "audit")
    try:
        await client.subscribe("_INBOX.recognition.>")
        await client.subscribe("_INBOX.>")
        await client.flush()
        await asyncio.sleep(0.2)
        assert sum("permissions violation" in e.lower() for e in errors) == 2, errors
    finally:
        await client.close()


async def test_recognition_cannot_publish_translations(secure_nats: SecureNats) -> None:
    client = await connect(secure_nats.settings_for("recognition"), "recognition")
    event = UtteranceTranslated(
        session_id="s1", utterance_id="u1", speaker="staff", source_text="x",
        source_language="ja", target_text="y", target_language="en", model_id="m",
        origin=origin_for("s1", "u1"),
    )
    try:
        with pytest.raises(NatsTimeout):
            await publish_event(client.jetstream(), event, timeout=0.5)
    finally:
        await client.close()


async def test_only_redaction_may_publish_redacted_content(secure_nats: SecureNats) -> None:
    from madoguchi.shared.contracts import RedactedContent

    content = RedactedContent(
        session_id="s1", utterance_id="u1", source_event="transcribed",
        fields={"text": "<PERSON>"}, entities={"PERSON": 1}, detector_version="t",
    )
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    redaction = await connect(secure_nats.settings_for("redaction"), "redaction")
    try:
        with pytest.raises(NatsTimeout):
            await publish_event(ingest.jetstream(), content, timeout=0.5)
        ack = await publish_event(redaction.jetstream(), content)
        assert ack.stream == "AUDIT"
    finally:
        await ingest.close()
        await redaction.close()


async def test_services_publish_what_they_own(secure_nats: SecureNats) -> None:
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    try:
        ack = await publish_event(
            ingest.jetstream(),
            SessionOpened(session_id="s2", counter_id="c1", device_id="d1", staff_id="st1"),
        )
        assert ack.stream == "CONVERSATION"
        ack = await publish_event(
            ingest.jetstream(),
            AuditEvent(kind="session", action="opened", outcome="success",
                       actor=AuditActor(service="ingest"), session_id="s2"),
        )
        assert ack.stream == "AUDIT"
    finally:
        await ingest.close()


async def test_wrong_password_is_refused(secure_nats: SecureNats) -> None:
    from pydantic import SecretStr

    settings = secure_nats.settings_for("audit").model_copy(
        update={"password": SecretStr("wrong")}
    )
    with pytest.raises((TimeoutError, Exception)):
        await connect(settings.model_copy(update={"initial_connect_timeout": 1.5}), "audit")


async def test_plaintext_connection_is_refused(secure_nats: SecureNats) -> None:
    settings = secure_nats.settings_for("audit").model_copy(
        update={"url": secure_nats.url.replace("tls://", "nats://"), "ca_file": None,
                "initial_connect_timeout": 1.5}
    )
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; success must not
        await connect(settings, "audit")


@pytest.mark.parametrize("durable", ["recognition", "translation", "redaction", "synthesis"])
async def test_ingest_cannot_delete_or_replace_a_stage_durable(
    secure_nats: SecureNats, durable: str,
) -> None:
    """Ingest may make and remove its own ephemeral consumers for live results: an attacker
    holding its credentials must still not be able to stop or redirect a stage."""
    from nats.js.api import ConsumerConfig

    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        js = ingest.jetstream(timeout=1.0)  # a denied request is never answered: time out fast
        with pytest.raises((NatsTimeout, APIError)):
            await js.delete_consumer("CONVERSATION", durable)
        hijack = ConsumerConfig(durable_name=durable, filter_subject="mg.v1.>")
        with pytest.raises((NatsTimeout, APIError)):
            await js.add_consumer("CONVERSATION", hijack)
        info = await admin.jetstream().consumer_info("CONVERSATION", durable)
        assert info.config.filter_subject != "mg.v1.>"  # untouched
        # ...while its own live-results consumers still work
        sub = await js.subscribe("mg.v1.utterance.*.s1", stream="CONVERSATION",
                                 ordered_consumer=True)
        await sub.unsubscribe()
    finally:
        await ingest.close()
        await admin.close()


async def test_recognition_deletes_one_object_but_cannot_purge_the_audio_bucket(
    secure_nats: SecureNats,
) -> None:
    """Recognition deletes each audio object once transcribed. With STREAM.PURGE (what
    nats.py's delete uses) one request could empty every tablet's pending audio; it now
    deletes message by message and the purge itself is refused."""
    from madoguchi.shared.objects import AudioObjects
    from madoguchi.shared.streams import AUDIO_BUCKET

    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    try:
        store = await ingest.jetstream().object_store(AUDIO_BUCKET)
        await store.put("s9/mine", b"\x01" * 300_000)  # several chunks
        await store.put("s9/another-tablets", b"\x02" * 1000)
        js = recognition.jetstream(timeout=1.0)
        with pytest.raises((NatsTimeout, APIError)):
            await js.purge_stream(f"OBJ_{AUDIO_BUCKET}")
        with pytest.raises((NatsTimeout, APIError)):
            await js.purge_stream(f"OBJ_{AUDIO_BUCKET}", subject=f"$O.{AUDIO_BUCKET}.C.>")
        objects = AudioObjects(recognition.jetstream(), AUDIO_BUCKET)
        await objects.delete("s9/mine")
        assert await objects.read("s9/another-tablets") == b"\x02" * 1000
        info = await ingest.jetstream().stream_info(
            f"OBJ_{AUDIO_BUCKET}", subjects_filter=f"$O.{AUDIO_BUCKET}.C.>")
        assert sum((info.state.subjects or {}).values()) == 1  # only the other object's chunk
        from nats.js.errors import ObjectNotFoundError
        with pytest.raises(ObjectNotFoundError):
            await objects.read("s9/mine")
        await objects.delete("s9/mine")  # again: absent is the goal
    finally:
        await ingest.close()
        await recognition.close()


async def test_synthesis_writes_speech_only_and_cannot_empty_or_read_the_conversation(
    secure_nats: SecureNats,
) -> None:
    """The synthesis user (a CPU-heavy service parsing text with native code) may put speech
    objects and delete one at a time — never touch the uploaded audio, purge the speech bucket
    (every tablet's replies), read conversation subjects beyond its consumer, or speak as
    another stage."""
    from madoguchi.shared.objects import AudioObjects
    from madoguchi.shared.streams import AUDIO_BUCKET, SPEECH_BUCKET

    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    synthesis = await connect(secure_nats.settings_for("synthesis"), "synthesis")
    try:
        uploads = await ingest.jetstream().object_store(AUDIO_BUCKET)
        await uploads.put("s8-upload", b"\x03" * 1000)
        js = synthesis.jetstream(timeout=1.0)
        speech = AudioObjects(synthesis.jetstream(timeout=1.0), SPEECH_BUCKET)
        await speech.put("s8-u1", b"RIFF" + b"\x00" * 5000)
        await speech.put("s8-u2", b"RIFF" + b"\x01" * 5000)
        assert await speech.delete("s8-u1")  # one at a time, its own objects
        with pytest.raises((NatsTimeout, APIError)):
            await js.purge_stream(f"OBJ_{SPEECH_BUCKET}")
        with pytest.raises((NatsTimeout, APIError)):
            await js.get_msg(f"OBJ_{AUDIO_BUCKET}", 1)  # not the uploads' audio
        with pytest.raises((NatsTimeout, APIError)):
            await AudioObjects(js, AUDIO_BUCKET).delete("s8-upload")
        with pytest.raises((NatsTimeout, APIError)):
            await js.get_msg("CONVERSATION", 1)  # no reading around its consumer
        with pytest.raises(NatsTimeout):
            await publish_event(js, UtteranceTranslated(
                session_id="s8", utterance_id="u1", speaker="staff", source_text="x",
                source_language="ja", target_text="y", target_language="en", model_id="m",
                origin=origin_for("s8", "u1")), timeout=0.5)
        assert await AudioObjects(ingest.jetstream(), SPEECH_BUCKET).read("s8-u2")
        assert await AudioObjects(ingest.jetstream(), AUDIO_BUCKET).read("s8-upload")
    finally:
        await ingest.close()
        await synthesis.close()
