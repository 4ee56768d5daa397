"""The recognition handler as a plain function call: an in-memory audio source and the instant
engine (fast tier; the real model and object store are in tests/integration)."""

from __future__ import annotations

import hashlib

import pytest
from nats.js.errors import ObjectNotFoundError

from madoguchi.recognition.correction import TermCorrector
from madoguchi.recognition.engine import Transcript
from madoguchi.recognition.instant_engine import InstantEngine
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.recognition.readings import shared_reader
from madoguchi.recognition.vocabulary import Vocabulary
from madoguchi.recognition.worker import EnginePool, RecognitionHandler
from madoguchi.shared.contracts import (
    AudioReference,
    AuditEvent,
    Speaker,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceTranscribed,
)
from madoguchi.shared.runtime import NOTHING, Context
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.fast


class MemoryAudio:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def read(self, key: str) -> bytes:
        try:
            return self.objects[key]
        except KeyError:
            raise ObjectNotFoundError from None

    async def delete(self, key: str) -> None:
        self.objects.pop(key, None)


def _pcm(seconds: float = 0.5) -> bytes:
    """As ingest stores it: 16 kHz mono 16-bit samples, no header."""
    return b"\x10\x00" * int(16_000 * seconds)


def _received(data: bytes, *, bucket: str = "audio", hints: tuple[str, ...] = ("en",),
              ) -> UtteranceReceived:
    return UtteranceReceived(
        session_id="s1", utterance_id="u1", speaker="visitor",
        origin=origin_for("s1", "u1"), language_hints=list(hints),
        audio=AudioReference(bucket=bucket, key="s1-u1", stored_bytes=len(data),
                             sha256=hashlib.sha256(data).hexdigest(),
                             format="wav", codec="pcm_s16le", sample_rate=16_000, channels=1,
                             duration_ms=500, size_bytes=len(data)))


def _handler(audio: MemoryAudio) -> RecognitionHandler:
    return RecognitionHandler(EnginePool([InstantEngine()]), bucket="audio",
                              locks=LanguageLocks(0.8), audio=audio)


def _attempt(n: int) -> Context:
    return Context("recognition", "mg.v1.utterance.received.s1", n, 3)


async def test_transcript_then_the_audio_is_deleted_only_after_publishing() -> None:
    audio = MemoryAudio()
    data = _pcm()
    audio.objects["s1-u1"] = data
    event = _received(data)
    outcome = await _handler(audio).handle(event, _attempt(1))
    transcribed, audit = outcome.events
    assert isinstance(transcribed, UtteranceTranscribed) and transcribed.language == "en"
    assert transcribed.origin == event.origin
    assert isinstance(audit, AuditEvent) and audit.actor.device_id == "tablet-1"
    assert "s1-u1" in audio.objects  # still there: the runtime has not published yet
    for clean_up in outcome.after:
        await clean_up()
    assert audio.objects == {}


async def test_audio_gone_on_a_redelivery_answers_nothing_on_a_first_delivery_fails() -> None:
    handler = _handler(MemoryAudio())
    data = _pcm()
    assert await handler.handle(_received(data), _attempt(2)) == NOTHING
    [failed] = (await handler.handle(_received(data), _attempt(1))).events
    assert isinstance(failed, UtteranceFailed) and failed.reason_code == "audio_unavailable"


async def test_undecodable_audio_is_refused_and_still_deleted() -> None:
    audio = MemoryAudio()
    garbage = bytes(range(255))  # not whole 16-bit samples
    audio.objects["s1-u1"] = garbage
    outcome = await _handler(audio).handle(_received(garbage), _attempt(1))
    assert outcome.refusal is not None and outcome.refusal.reason_code == "audio_undecodable"
    assert [type(e) for e in outcome.events] == [UtteranceFailed]
    for clean_up in outcome.after:
        await clean_up()
    assert audio.objects == {}


async def test_only_the_audio_bucket_is_read() -> None:
    outcome = await _handler(MemoryAudio()).handle(_received(_pcm(), bucket="credentials"),
                                                   _attempt(1))
    assert outcome.refusal is not None
    assert outcome.refusal.reason_code == "audio_bucket_unexpected"


class ScriptedEngine:
    """Answers with the next scripted transcript and records what it was asked."""

    model_id = "scripted"
    languages = ("ja", "en", "vi", "es")

    def __init__(self, *answers: Transcript) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[list[str], str | None, float]] = []

    def transcribe(self, audio: object, languages: list[str], *, fallback: str | None = None,
                   confident: float = 0.0) -> Transcript:
        self.calls.append((list(languages), fallback, confident))
        return self.answers.pop(0)


def _scripted(engine: ScriptedEngine, corrector: TermCorrector | None = None,
              ) -> tuple[RecognitionHandler, MemoryAudio]:
    audio = MemoryAudio()
    return RecognitionHandler(EnginePool([engine]), bucket="audio", locks=LanguageLocks(0.8),
                              audio=audio, corrector=corrector), audio


async def _transcribe(handler: RecognitionHandler, audio: MemoryAudio, *, speaker: str = "visitor",
                      hints: tuple[str, ...] = ("en",)) -> UtteranceTranscribed:
    data = _pcm()
    audio.objects["s1-u1"] = data
    event = _received(data, hints=hints).model_copy(update={"speaker": Speaker(speaker)})
    outcome = await handler.handle(event, _attempt(1))
    transcribed = outcome.events[0]
    assert isinstance(transcribed, UtteranceTranscribed)
    return transcribed


def _said(text: str, language: str, probability: float = 0.99) -> Transcript:
    return Transcript(status="text", text=text, language=language,
                      language_probability=probability, confidence=0.9)


async def test_a_visitor_is_detected_between_their_language_and_the_staffs() -> None:
    engine = ScriptedEngine(_said("印鑑を忘れました", "ja"), _said("Hello", "en"))
    handler, audio = _scripted(engine)
    answered_in_japanese = await _transcribe(handler, audio)
    assert answered_in_japanese.language == "ja"
    assert engine.calls[0] == (["en", "ja"], "en", 0.8)  # staff's wins only when sure
    await _transcribe(handler, audio)
    assert engine.calls[1] == (["en", "ja"], "en", 0.8)  # a Japanese answer locks nothing


async def test_staff_speech_stays_forced() -> None:
    engine = ScriptedEngine(_said("こんにちは", "ja"))
    handler, audio = _scripted(engine)
    await _transcribe(handler, audio, speaker="staff", hints=("ja",))
    assert engine.calls == [(["ja"], None, 0.0)]


async def test_a_detected_visitor_language_locks_but_japanese_may_still_win() -> None:
    engine = ScriptedEngine(_said("Xin chào", "vi", 0.95), _said("Cảm ơn", "vi"))
    handler, audio = _scripted(engine)
    first = await _transcribe(handler, audio, hints=())  # visitor language not chosen yet
    assert first.language == "vi" and engine.calls[0] == ([], None, 0.0)
    await _transcribe(handler, audio, hints=())
    assert engine.calls[1] == (["vi", "ja"], "vi", 0.8)


async def test_a_term_misheard_is_corrected_and_listed_without_text() -> None:
    reader = shared_reader()
    corrector = TermCorrector(Vocabulary.load(reader=reader).for_language("ja"), reader)
    engine = ScriptedEngine(_said("電入届けを出したいのですが", "ja"))
    handler, audio = _scripted(engine, corrector)
    data = _pcm()
    audio.objects["s1-u1"] = data
    event = _received(data, hints=("ja",)).model_copy(update={"speaker": Speaker.STAFF})
    transcribed, audit = (await handler.handle(event, _attempt(1))).events
    assert isinstance(transcribed, UtteranceTranscribed) and isinstance(audit, AuditEvent)
    assert transcribed.text == "転入届を出したいのですが"
    assert [(c.term_id, c.start, c.end) for c in transcribed.corrections] == [
        ("tennyu-todoke", 0, 3)]
    assert audit.attributes["term_corrections"] == 1
    assert "転入" not in audit.model_dump_json() and "電入" not in audit.model_dump_json()


async def test_a_transcript_the_engine_corrected_while_rescoring_is_not_corrected_again() -> None:
    from dataclasses import replace

    from madoguchi.recognition.correction import Correction

    reader = shared_reader()
    corrector = TermCorrector(Vocabulary.load(reader=reader).for_language("ja"), reader)
    # Text the corrector would change (電入): the worker must keep the engine's result as is.
    done = replace(_said("電入届と転入届", "ja"), corrections=(Correction("tennyu-todoke", 4, 7),))
    handler, audio = _scripted(ScriptedEngine(done), corrector)
    transcribed = await _transcribe(handler, audio, speaker="staff", hints=("ja",))
    assert transcribed.text == "電入届と転入届"
    assert [(c.term_id, c.start, c.end) for c in transcribed.corrections] == [
        ("tennyu-todoke", 4, 7)]
