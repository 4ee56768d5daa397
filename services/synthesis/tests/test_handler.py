"""The synthesis handler as a plain function call, with a tone engine and an in-memory
bucket (fast tier). The real engines: test_engines.py; over NATS: tests/integration."""

from __future__ import annotations

import numpy as np
import pytest
from nats.js.errors import ObjectNotFoundError

from madoguchi.shared.contracts import AuditEvent, UtteranceSynthesized, UtteranceTranslated
from madoguchi.shared.models.voices import KOKORO_JA, PIPER_EN, Voice
from madoguchi.shared.runtime import NOTHING, Context
from madoguchi.synthesis.engines import Speech, SynthesisError
from madoguchi.synthesis.worker import PhraseCache, SynthesisHandler, Voices, gave_up
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.fast
FIRST = Context("synthesis", "mg.v1.utterance.translated.s1", 1, 3)
LAST = Context("synthesis", "mg.v1.utterance.translated.s1", 3, 3)


class ToneEngine:
    """A beep per character: enough to tell utterances apart by length."""

    def __init__(self, voice: Voice, fail: BaseException | None = None) -> None:
        self.voice = voice
        self.calls: list[str] = []
        self.fail = fail

    def synthesize(self, text: str) -> Speech:
        self.calls.append(text)
        if self.fail is not None:
            raise self.fail
        t = np.arange(len(text) * 800) / 16000
        return Speech((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), 16000)


class Bucket:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def read(self, key: str) -> bytes:
        if key not in self.objects:
            raise ObjectNotFoundError
        return self.objects[key]

    async def put(self, key: str, data: bytes) -> None:
        self.objects[key] = data

    async def delete(self, key: str) -> bool:
        return self.objects.pop(key, None) is not None


def _translated(text: str = "Please write your name here.", *, target: str = "en",
                source: str = "ja", phrase_id: str | None = None, utterance: str = "u1",
                speaker: str = "staff") -> UtteranceTranslated:
    return UtteranceTranslated(
        session_id="s1", utterance_id=utterance, speaker=speaker,  # type: ignore[arg-type]
        origin=origin_for("s1", utterance, visitor_language=target if speaker == "staff"
                          else source),
        source_text="こちらにお名前を書いてください。", source_language=source,
        target_text=text, target_language=target, model_id="m", phrase_id=phrase_id)


def _handler(closed: set[str] | None = None, **engines: ToneEngine,
             ) -> tuple[SynthesisHandler, Bucket]:
    handler = SynthesisHandler(Voices(dict(engines)), max_chars=200, cache=PhraseCache(8),
                               closed=lambda sid: sid in (closed or set()))
    bucket = Bucket()
    handler.objects = bucket  # type: ignore[assignment]
    return handler, bucket


async def test_a_translation_is_spoken_stored_and_announced_without_its_text() -> None:
    english = ToneEngine(PIPER_EN)
    handler, bucket = _handler(en=english)
    outcome = await handler.handle(_translated(), FIRST)
    spoken, audit = outcome.events
    assert isinstance(spoken, UtteranceSynthesized) and spoken.status == "ready"
    assert spoken.audio is not None and spoken.audio.key == "s1-u1"
    assert spoken.audio.bucket == "speech" and spoken.voice_id == PIPER_EN.voice_id
    assert spoken.quality == "natural" and spoken.language == "en"
    assert spoken.audio.duration_ms == 1400  # 28 characters x 50 ms
    assert bucket.objects["s1-u1"][:4] == b"RIFF"
    assert spoken.audio.size_bytes == len(bucket.objects["s1-u1"])
    assert english.calls == ["Please write your name here."]
    assert isinstance(audit, AuditEvent) and audit.kind == "synthesis"
    for event in outcome.events:
        assert "name" not in event.model_dump_json()  # no text of the conversation
    assert audit.attributes["voice_id"] == PIPER_EN.voice_id


async def test_a_redelivery_republishes_without_speaking_again() -> None:
    english = ToneEngine(PIPER_EN)
    handler, _ = _handler(en=english)
    event = _translated()
    first = await handler.handle(event, FIRST)
    again = await handler.handle(event, Context("synthesis", "x", 2, 3))
    assert english.calls == ["Please write your name here."]
    assert again.events[0].model_dump(exclude={"event_id", "occurred_at"}) == \
        first.events[0].model_dump(exclude={"event_id", "occurred_at"})


@pytest.mark.parametrize(("event", "reason"), [
    (_translated(target="tl"), "no_voice"),
    (_translated("同じ言語です。", target="ja", source="ja"), "same_language"),
    (_translated("x" * 201), "text_too_long"),
    (_translated("   "), "empty_text"),
])
async def test_what_cannot_be_spoken_is_answered_with_a_reason(
        event: UtteranceTranslated, reason: str) -> None:
    english = ToneEngine(PIPER_EN)
    handler, bucket = _handler(en=english, ja=ToneEngine(KOKORO_JA))
    outcome = await handler.handle(event, FIRST)
    assert outcome.refusal is None
    spoken = outcome.events[0]
    assert isinstance(spoken, UtteranceSynthesized)
    assert spoken.status == "unavailable" and spoken.reason_code == reason
    assert spoken.audio is None and not bucket.objects and not english.calls


async def test_fixed_phrases_are_spoken_once_per_voice_and_text() -> None:
    english = ToneEngine(PIPER_EN)
    handler, bucket = _handler(en=english)
    first = await handler.handle(_translated("Please wait.", phrase_id="greet-wait"), FIRST)
    other = await handler.handle(_translated("Please wait.", phrase_id="greet-wait",
                                             utterance="u2"), FIRST)
    typed = await handler.handle(_translated("Please wait.", utterance="u3"), FIRST)
    assert english.calls == ["Please wait.", "Please wait."]  # the typed one is not cached
    assert [e.events[0].cached for e in (first, other, typed)] == [False, True, False]  # type: ignore[attr-defined]
    assert set(bucket.objects) == {"s1-u1", "s1-u2", "s1-u3"}  # one object per utterance


async def test_a_session_closed_meanwhile_keeps_nothing() -> None:
    handler, bucket = _handler(closed={"s1"}, en=ToneEngine(PIPER_EN))
    assert await handler.handle(_translated(), FIRST) == NOTHING
    assert not bucket.objects


async def test_an_engine_failure_is_retried_then_answered() -> None:
    flaky = ToneEngine(PIPER_EN, fail=RuntimeError("onnx"))
    handler, bucket = _handler(en=flaky)
    with pytest.raises(RuntimeError):  # the runtime retries it
        await handler.handle(_translated(), FIRST)
    outcome = await handler.handle(_translated(), LAST)
    assert outcome.refusal is not None and outcome.refusal.reason_code == "synthesis_failed"
    assert outcome.events[0].status == "unavailable"  # type: ignore[attr-defined]
    broken = ToneEngine(PIPER_EN, fail=SynthesisError("espeak-ng exited with 1"))
    handler, _ = _handler(en=broken)
    refused = await handler.handle(_translated(), FIRST)  # known failure: no retry
    assert refused.refusal is not None and not bucket.objects
    assert gave_up(_translated(), LAST).events[0].reason_code == "synthesis_failed"  # type: ignore[attr-defined]
