"""The redaction stage over real, secured NATS (TLS, the `redaction` user's permissions):
transcripts, typed text and translations in, AUDIT content out — each text redacted once, and
no planted value in the published bytes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Iterator

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from madoguchi.redaction.detector import Detector, Redaction
from madoguchi.redaction.identifiers import my_number_check_digit
from madoguchi.redaction.settings import RedactionSettings
from madoguchi.redaction.worker import RedactionHandler, Redactor, SourceEvent
from madoguchi.shared.contracts import TextSubmitted, UtteranceTranscribed, UtteranceTranslated
from madoguchi.shared.messaging import MSG_ID_HEADER, publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import ServiceRuntime, Stage
from madoguchi.shared.streams import AUDIT, CONVERSATION, consumer_for
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.collect import collect
from madoguchi.testing.events import origin_for

MY_NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))
# Value as spoken / written → the forms that must not appear anywhere in what is published.
PLANTED = {
    "山田太郎": ["山田太郎", "山田", "太郎"],
    MY_NUMBER: [MY_NUMBER, f"{MY_NUMBER[:4]} {MY_NUMBER[4:8]} {MY_NUMBER[8:]}"],
    "ゼロキューゼロのイチニーサンヨンのゴーロクナナハチ": ["ゼロキューゼロ", "ゴーロクナナハチ",
                                                        "09012345678", "090-1234-5678"],
    "東京都新宿区西新宿二丁目8番1号": ["西新宿", "8番1号"],
    "taro.yamada@example.jp": ["taro.yamada", "example.jp"],
    "AB12345678CD": ["AB12345678CD", "12345678"],
    "John Smith": ["John", "Smith"],
    "1985年3月5日": ["1985", "3月5日"],
}
TRANSCRIPT = (
    f"山田太郎と申します。マイナンバーは{MY_NUMBER[:4]} {MY_NUMBER[4:8]} {MY_NUMBER[8:]}です。"
    "電話はゼロキューゼロのイチニーサンヨンのゴーロクナナハチ、住所は東京都新宿区西新宿二丁目8番1号、"
    "メールはtaro.yamada@example.jpです。在留カードはAB12345678CDです。"
)


@pytest.fixture(scope="module")
def detector() -> Iterator[Detector]:
    yield Detector()


def _forbidden() -> list[str]:
    return [form for forms in PLANTED.values() for form in forms]


# The envelope's own timestamps are generated, not planted: 11:20:45.198540Z holds "1985".
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")


def _assert_clean(raw: bytes) -> None:
    text = _TIMESTAMP.sub("<time>", raw.decode())
    decoded = json.dumps(json.loads(text), ensure_ascii=False)  # \uXXXX escapes too
    for form in _forbidden():
        assert form not in text and form not in decoded, f"planted value leaked: {form!r}"


async def _audit_messages(admin: Client, subject: str, expected: int) -> list[Msg]:
    return await collect(admin, subject, expected, AUDIT, rounds=40)


def _transcribed(session: str, event_id: str = "tr1") -> UtteranceTranscribed:
    return UtteranceTranscribed(
        event_id=event_id, session_id=session, utterance_id="u1", speaker="visitor",
        status="text", text=TRANSCRIPT, language="ja", audio_duration_ms=5000,
        model_id="whisper-base", origin=origin_for(session, "u1"),
    )


def _typed(session: str) -> TextSubmitted:
    return TextSubmitted(
        event_id="tx1", session_id=session, utterance_id="u3", speaker="visitor",
        language="ja", text="メールはtaro.yamada@example.jpです。山田太郎です。",
        origin=origin_for(session, "u3"),
    )


def _translated(session: str) -> UtteranceTranslated:
    return UtteranceTranslated(
        event_id="tl1", session_id=session, utterance_id="u2", speaker="staff",
        source_text="生年月日は1985年3月5日ですか。John Smithさんですね。", source_language="ja",
        target_text="Is your date of birth March 5, 1985? You are John Smith, right?",
        target_language="en",
        back_translation="生年月日は1985年3月5日ですか？John Smithさんですね？",
        model_id="tiny-test", origin=origin_for(session, "u2"),
    )


@contextlib.asynccontextmanager
async def _running(secure_nats: SecureNats, detector: Redactor) -> AsyncIterator[None]:
    settings = RedactionSettings(env="test", nats=secure_nats.settings_for("redaction"))
    runtime = ServiceRuntime("redaction", settings)
    runtime.consume(Stage(SourceEvent, RedactionHandler(detector).handle, concurrency=4))
    await runtime.start()
    try:
        yield
    finally:
        await runtime.stop()


async def test_worker_publishes_redacted_content_without_planted_values(
    secure_nats: SecureNats, detector: Detector,
) -> None:
    stack = contextlib.AsyncExitStack()
    await stack.enter_async_context(_running(secure_nats, detector))
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        await publish_event(recognition.jetstream(), _transcribed("s-red"))
        await publish_event(translation.jetstream(), _translated("s-red"))
        await publish_event(ingest.jetstream(), _typed("s-red"))
        messages = await _audit_messages(admin, "mg.v1.audit.redaction.content.s-red", expected=3)
        assert len(messages) == 3
        by_source = {}
        for msg in messages:
            _assert_clean(msg.data)
            assert all(form not in json.dumps(dict(msg.headers or {}), ensure_ascii=False)
                       for form in _forbidden())
            body = json.loads(msg.data)
            by_source[body["source_event"]] = body
        transcribed = by_source["transcribed"]
        assert transcribed["fully_masked"] is False
        assert transcribed["detector_version"] == detector.version
        for entity in ("PERSON", "MY_NUMBER", "PHONE_JP", "ADDRESS_JP", "EMAIL", "RESIDENCE_CARD"):
            assert transcribed["entities"].get(entity, 0) >= 1, entity
            assert f"<{entity}>" in transcribed["fields"]["text"]
        # The translation's source was redacted with the transcript: only what is new here.
        translated = by_source["translated"]
        assert set(translated["fields"]) == {"target_text", "back_translation"}
        assert translated["entities"]["DATE_OF_BIRTH"] == 2
        # Typed text reaches the trail redacted whether or not translation succeeds.
        typed = by_source["submitted"]
        assert typed["entities"].get("EMAIL") == 1 and typed["entities"].get("PERSON", 0) >= 1
        # Everything was acknowledged after it was published: nothing left for the worker.
        spec = consumer_for("redaction")
        info = await admin.jetstream().consumer_info(CONVERSATION, spec.durable)
        for _ in range(40):
            if info.num_ack_pending == 0:
                break
            await asyncio.sleep(0.1)
            info = await admin.jetstream().consumer_info(CONVERSATION, spec.durable)
        assert info.num_pending == 0 and info.num_ack_pending == 0
    finally:
        await stack.aclose()
        for client in (recognition, translation, ingest, admin):
            await client.close()


async def test_redelivery_publishes_once(secure_nats: SecureNats, detector: Detector) -> None:
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        async with _running(secure_nats, detector):
            event = _transcribed("s-dup", event_id="dup1")
            for copy in ("a", "b"):  # a redelivery: same event, another message
                await recognition.jetstream().publish(
                    event.subject(), event.model_dump_json().encode(),
                    headers={MSG_ID_HEADER: f"dup1-{copy}"})
            messages = await _audit_messages(admin, "mg.v1.audit.redaction.content.s-dup",
                                             expected=1)
        assert len(messages) == 1
    finally:
        await recognition.close()
        await admin.close()


class _BrokenAnalyzer:
    version = "broken"

    def redact(self, text: str, language: str | None) -> Redaction:
        # Like many libraries, the error echoes its input: it must not reach the audit trail.
        raise RuntimeError(f"analyzer crashed on {text!r}")


async def test_analyzer_failure_masks_everything_and_audits_the_failure(
    secure_nats: SecureNats,
) -> None:
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        async with _running(secure_nats, _BrokenAnalyzer()):
            await publish_event(recognition.jetstream(), _transcribed("s-fail", event_id="fail1"))
            messages = await _audit_messages(admin, "mg.v1.audit.redaction.*.s-fail", expected=2)
        assert len(messages) == 2
        by_subject = {msg.subject: json.loads(msg.data) for msg in messages}
        for msg in messages:
            _assert_clean(msg.data)
        content = by_subject["mg.v1.audit.redaction.content.s-fail"]
        assert content["fully_masked"] is True and content["fields"] == {"text": "<REDACTED>"}
        failure = by_subject["mg.v1.audit.redaction.failure.s-fail"]
        assert failure["outcome"] == "failure"
        assert failure["attributes"]["error"] == "RuntimeError"
    finally:
        await recognition.close()
        await admin.close()
