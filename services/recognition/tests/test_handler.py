"""The recognition handler as a plain function call: an in-memory audio source and the instant
engine (fast tier; the real model and object store are in tests/integration)."""

from __future__ import annotations

import hashlib

import pytest
from nats.js.errors import ObjectNotFoundError

from madoguchi.recognition.instant_engine import InstantEngine
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.recognition.worker import EnginePool, RecognitionHandler
from madoguchi.shared.contracts import (
    AudioReference,
    AuditEvent,
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
