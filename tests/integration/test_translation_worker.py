"""The translation worker over real, secured NATS (TLS, the `translation` user's permissions)
with real CTranslate2 on the committed TEST FIXTURE model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from nats.aio.client import Client
from nats.aio.msg import Msg

from madoguchi.shared.contracts import (
    DeadLetter,
    TextSubmitted,
    UtteranceFailed,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.messaging import MSG_ID_HEADER, publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.phrases import load_phrasebook
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.streams import CONVERSATION, consumer_for
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.collect import collect
from madoguchi.testing.events import origin_for
from madoguchi.translation.service import setup
from madoguchi.translation.settings import TranslationSettings

FIXTURE_MODEL = Path(__file__).parents[2] / "services" / "translation" / "tests" / "fixture_model"


def _settings(secure_nats: SecureNats) -> TranslationSettings:
    return TranslationSettings(env="test", nats=secure_nats.settings_for("translation"),
                               model_dir=FIXTURE_MODEL, allow_test_fixture=True)


def _transcribed(session: str, text: str, *, event_id: str = "tr1", status: str = "text",
                 target: str | None = "en") -> UtteranceTranscribed:
    return UtteranceTranscribed(
        event_id=event_id, session_id=session, utterance_id=f"u-{event_id}", speaker="staff",
        status=status, text=text, language="ja", audio_duration_ms=1500,  # type: ignore[arg-type]
        model_id="whisper-base",
        origin=origin_for(session, f"u-{event_id}", visitor_language=target),
    )


def _submitted(session: str, *, event_id: str = "tx1", text: str | None = None,
               phrase_id: str | None = None, language: str = "en",
               target: str = "ja") -> TextSubmitted:
    """The visitor typed or chose it; `target` is the staff's language."""
    return TextSubmitted(
        event_id=event_id, session_id=session, utterance_id=f"u-{event_id}", speaker="visitor",
        language=language, text=text, phrase_id=phrase_id,
        origin=origin_for(session, f"u-{event_id}", staff_language=target),
    )


async def _collect(admin: Client, subject: str, expected: int, stream: str = CONVERSATION,
                   ) -> list[Msg]:
    return await collect(admin, subject, expected, stream)


async def test_transcribed_and_submitted_text_are_translated_through_the_service(
    secure_nats: SecureNats,
) -> None:
    settings = _settings(secure_nats)
    runtime = ServiceRuntime("translation", settings)
    setup(settings)(runtime)
    await runtime.start()
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        await publish_event(recognition.jetstream(), _transcribed(
            "s-tl", "転入届を出してください。在留カードを見せてください。"))
        await publish_event(recognition.jetstream(), _transcribed(
            "s-tl", "", event_id="quiet", status="no_speech"))
        await publish_event(ingest.jetstream(), _submitted(
            "s-tl", text="Please wait a moment"))  # memory, normalised (no final stop)
        await publish_event(ingest.jetstream(), _submitted(
            "s-tl", event_id="tx2", phrase_id="zairyu-show", language="ja", target="my"))
        messages = await _collect(admin, "mg.v1.utterance.translated.s-tl", expected=3)
        by_utterance = {m["utterance_id"]: m for m in (json.loads(x.data) for x in messages)}
        assert set(by_utterance) == {"u-tr1", "u-tx1", "u-tx2"}  # no_speech: nothing

        spoken = UtteranceTranslated.model_validate(by_utterance["u-tr1"])
        assert spoken.model_id == "madoguchi-test-fixture-m2m100-tiny"
        assert spoken.target_language == "en" and spoken.source_language == "ja"
        assert "moving-in notification" in spoken.target_text
        assert "residence card" in spoken.target_text
        assert spoken.back_translation  # staff can check the meaning survived
        assert {h.term_id for h in spoken.glossary_hits} == {"tennyu-todoke", "zairyu-card"}
        assert spoken.phrase_id is None

        typed = UtteranceTranslated.model_validate(by_utterance["u-tx1"])
        assert typed.target_text == "少々お待ちください。"
        assert typed.phrase_id == "greet-wait" and typed.phrase_review_status == "machine-draft"
        assert typed.model_id == f"translation-memory-v{load_phrasebook().version}"

        chosen = UtteranceTranslated.model_validate(by_utterance["u-tx2"])
        assert chosen.target_text == "နေထိုင်ခွင့်ကတ်ကို ပြပေးပါ။"
        assert chosen.source_text == "在留カードを見せてください。"

        audit = await _collect(admin, "mg.v1.audit.translation.translation.s-tl", expected=3,
                               stream="AUDIT")
        assert len(audit) == 3
        for msg in audit:  # metadata only: no text of the conversation
            body = msg.data.decode()
            for content in ("在留カード", "転入届", "少々", "Please", "residence", "_text"):
                assert content not in body

        spec = consumer_for("translation")
        for _ in range(40):
            info = await admin.jetstream().consumer_info(CONVERSATION, spec.durable)
            if info.num_pending == 0 and info.num_ack_pending == 0:
                break
            await asyncio.sleep(0.1)
        assert info.num_pending == 0 and info.num_ack_pending == 0
    finally:
        await runtime.stop()
        for client in (recognition, ingest, admin):
            await client.close()


async def test_bad_events_fail_and_dead_letter_without_crashing(secure_nats: SecureNats) -> None:
    settings = _settings(secure_nats)
    runtime = ServiceRuntime("translation", settings)
    setup(settings)(runtime)
    await runtime.start()
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        js = ingest.jetstream()
        await publish_event(admin.jetstream(), _transcribed(  # staff speaks before the visitor's
            "s-bad", "こんにちは", event_id="b1", target=None))  # language is known
        await publish_event(js, _submitted("s-bad", event_id="b2", text="x" * 1500))
        await publish_event(js, _submitted(  # the fixture model has no Vietnamese
            "s-bad", event_id="b3", text="Please submit the moving-in notification.",
            target="vi"))
        await publish_event(js, _submitted("s-bad", event_id="b4", phrase_id="no-such-phrase"))
        await publish_event(js, _submitted("s-bad", event_id="ok", text="Hello."))
        failed = await _collect(admin, "mg.v1.utterance.failed.s-bad", expected=4)
        reasons = {json.loads(m.data)["utterance_id"]: json.loads(m.data)["reason_code"]
                   for m in failed}
        assert reasons == {"u-b1": "no_target_language", "u-b2": "text_too_long",
                           "u-b3": "unsupported_pair", "u-b4": "unknown_phrase"}
        for msg in failed:
            UtteranceFailed.model_validate_json(msg.data)
        # Expected answers (too long, no model for the pair) keep no copy of the content;
        # only what points at a fault elsewhere is dead-lettered for an operator.
        letters = await _collect(admin, "mg.v1.deadletter.translation.>", expected=2,
                                 stream="DEADLETTER")
        codes = sorted(DeadLetter.model_validate_json(m.data).reason_code for m in letters)
        assert codes == ["no_target_language", "unknown_phrase"]
        for msg in letters:
            assert "moving-in" not in DeadLetter.model_validate_json(msg.data).reason
        # ...and the worker is still alive: the good event after them was translated.
        ok = await _collect(admin, "mg.v1.utterance.translated.s-bad", expected=1)
        assert [json.loads(m.data)["target_text"] for m in ok] == ["こんにちは。"]
    finally:
        await runtime.stop()
        await ingest.close()
        await admin.close()


async def test_redelivery_publishes_once(secure_nats: SecureNats) -> None:
    settings = _settings(secure_nats)
    runtime = ServiceRuntime("translation", settings)
    setup(settings)(runtime)
    await runtime.start()
    ingest = await connect(secure_nats.settings_for("recognition"), "recognition")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        js = ingest.jetstream()
        # The same event twice under two message ids: what a redelivery after a crash between
        # publish and ack looks like. The outputs' ids are derived, so JetStream keeps one.
        for event in (_transcribed("s-dup", "住民票が必要です。", event_id="dup1"),
                      _transcribed("s-dup", "住民票", event_id="dup2", target="vi")):
            for copy in ("a", "b"):
                await js.publish(event.subject(), event.model_dump_json().encode(),
                                 headers={MSG_ID_HEADER: f"{event.event_id}-{copy}"})
        translated = await _collect(admin, "mg.v1.utterance.translated.s-dup", expected=1)
        assert len(translated) == 1
        # The glossary term is placed whatever the tiny model does around it.
        assert "certificate of residence" in json.loads(translated[0].data)["target_text"]
        assert len(await _collect(admin, "mg.v1.utterance.failed.s-dup", expected=1)) == 1
        audit = await _collect(admin, "mg.v1.audit.translation.translation.s-dup", expected=2,
                               stream="AUDIT")
        assert len(audit) == 2
    finally:
        await runtime.stop()
        await ingest.close()
        await admin.close()
