"""The synthesis handler: a translation in, its speech (or why there is none) out.

Every `UtteranceTranslated` gets exactly one `UtteranceSynthesized`, so a tablet waiting for
speech always hears back: `ready` with the audio object, or `unavailable` with a reason. The
audio goes into the speech bucket under `<session>-<utterance>` before the event is published;
a redelivery finds the object and republishes the same event instead of speaking again.
Fixed phrases (定型文) are the same text for every visitor: their audio is cached in memory by
voice and text hash, which holds no personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Literal

from nats.js.errors import NotFoundError, ObjectNotFoundError

from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    SpeechAudio,
    UtteranceSynthesized,
    UtteranceTranslated,
)
from madoguchi.shared.contracts.events import AuditAttribute
from madoguchi.shared.models.voices import Voice
from madoguchi.shared.objects import AudioObjects
from madoguchi.shared.runtime import NOTHING, Context, Outcome
from madoguchi.shared.streams import SPEECH_BUCKET, speech_key
from madoguchi.synthesis.engines import Speech, SpeechEngine, SynthesisError

log = logging.getLogger(__name__)
SERVICE: Literal["synthesis"] = "synthesis"


class PhraseCache:
    """Content-addressed audio of fixed phrases: key = sha256(voice, language, text). The
    same phrase asked for twice at once is spoken once (the second waits for the first)."""

    def __init__(self, entries: int) -> None:
        self._entries = entries
        self._audio: OrderedDict[str, bytes] = OrderedDict()
        self._making: dict[str, asyncio.Future[bytes]] = {}

    async def obtain(self, key: str, make: Callable[[], Awaitable[bytes]]) -> tuple[bytes, bool]:
        """The audio and whether it came from the cache (or from another caller's making)."""
        if (hit := self.get(key)) is not None:
            return hit, True
        if (pending := self._making.get(key)) is not None:
            return await asyncio.shield(pending), True
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            wav = await make()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a failure nobody else awaited is not "unhandled"
            raise
        finally:
            del self._making[key]
        future.set_result(wav)
        self.put(key, wav)
        return wav, False

    @staticmethod
    def key(voice: Voice, language: str, text: str) -> str:
        return hashlib.sha256(f"{voice.voice_id}\n{language}\n{text}".encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        found = self._audio.get(key)
        if found is not None:
            self._audio.move_to_end(key)
        return found

    def put(self, key: str, wav: bytes) -> None:
        if self._entries <= 0:
            return
        self._audio[key] = wav
        while len(self._audio) > self._entries:
            self._audio.popitem(last=False)


class Voices:
    """Language -> engine, chosen once at start-up."""

    def __init__(self, engines: dict[str, SpeechEngine]) -> None:
        self.engines = engines

    def for_language(self, language: str) -> SpeechEngine | None:
        return self.engines.get(language)


def unavailable(event: UtteranceTranslated, reason_code: str) -> UtteranceSynthesized:
    return UtteranceSynthesized(
        session_id=event.session_id, utterance_id=event.utterance_id, speaker=event.speaker,
        origin=event.origin, status="unavailable", language=event.target_language,
        reason_code=reason_code)


def gave_up(event: UtteranceTranslated, _: Context) -> Outcome:
    return Outcome.publish(unavailable(event, "synthesis_failed"))


class SynthesisHandler:
    def __init__(self, voices: Voices, *, max_chars: int, cache: PhraseCache,
                 closed: Callable[[str], bool]) -> None:
        self.voices = voices
        self.max_chars = max_chars
        self.cache = cache
        self._closed = closed
        self.objects: AudioObjects | None = None
        """Bound once NATS is connected (`service.setup`)."""

    async def handle(self, event: UtteranceTranslated, context: Context) -> Outcome:
        assert self.objects is not None, "speech bucket not bound"
        text = event.target_text.strip()
        engine = self.voices.for_language(event.target_language)
        reason = self._unspeakable(event, text, engine)
        if reason is not None or engine is None:
            return self._answer(event, unavailable(event, reason or "no_voice"))
        key = speech_key(event.session_id, event.utterance_id)
        started = time.monotonic()
        cached = False
        try:
            wav = await self.objects.read(key)  # a redelivery: the work was done
        except (ObjectNotFoundError, NotFoundError):
            spoken, cached = await self._speak(event, engine, text, context)
            if spoken is None:
                return Outcome.refuse("synthesis_failed", "the speech engine failed",
                                      unavailable(event, "synthesis_failed"),
                                      self._audit(event, "failure", engine.voice, {
                                          "reason_code": "synthesis_failed"}))
            if self._closed(event.session_id):
                return NOTHING  # closed meanwhile: store nothing the close cannot see
            wav = spoken
            await self.objects.put(key, wav)
            if self._closed(event.session_id):
                await self.objects.delete(key)  # the close may have missed it
                return NOTHING
        speech = Speech.from_wav(wav)
        elapsed_ms = int((time.monotonic() - started) * 1000)
        synthesized = UtteranceSynthesized(
            session_id=event.session_id, utterance_id=event.utterance_id,
            speaker=event.speaker, origin=event.origin, status="ready",
            language=event.target_language, voice_id=engine.voice.voice_id,
            quality=engine.voice.quality, cached=cached,
            audio=SpeechAudio(bucket=SPEECH_BUCKET, key=key, sample_rate=speech.sample_rate,
                              duration_ms=speech.duration_ms, size_bytes=len(wav),
                              sha256=hashlib.sha256(wav).hexdigest()))
        log.info("translation spoken", extra={
            "event_id": event.event_id, "voice_id": engine.voice.voice_id,
            "duration_ms": speech.duration_ms, "elapsed_ms": elapsed_ms, "cached": cached})
        return Outcome.publish(synthesized, self._audit(event, "success", engine.voice, {
            "duration_ms": speech.duration_ms, "synthesis_ms": elapsed_ms, "cached": cached,
            "bytes": len(wav)}))

    def _unspeakable(self, event: UtteranceTranslated, text: str,
                     engine: SpeechEngine | None) -> str | None:
        if event.source_language == event.target_language:
            return "same_language"  # a pass-through: the listener reads their own language
        if engine is None:
            return "no_voice"
        if not text:
            return "empty_text"
        if len(text) > self.max_chars:
            return "text_too_long"
        return None

    async def _speak(self, event: UtteranceTranslated, engine: SpeechEngine, text: str,
                     context: Context) -> tuple[bytes | None, bool]:
        async def make() -> bytes:
            speech = await asyncio.to_thread(engine.synthesize, text)
            return speech.wav()

        try:
            if event.phrase_id is None:
                return await make(), False
            return await self.cache.obtain(
                PhraseCache.key(engine.voice, event.target_language, text), make)
        except SynthesisError:
            return None, False
        except Exception:
            if not context.last_attempt:
                raise  # retried by the runtime
            return None, False

    def _answer(self, event: UtteranceTranslated, answer: UtteranceSynthesized) -> Outcome:
        return Outcome.publish(answer, self._audit(event, "info", None, {
            "reason_code": answer.reason_code}))

    def _audit(self, event: UtteranceTranslated,
               outcome: Literal["success", "failure", "info"], voice: Voice | None,
               attributes: dict[str, AuditAttribute]) -> AuditEvent:
        """Metadata only: ids, language, voice, durations. Never the text or the audio."""
        return AuditEvent(
            session_id=event.session_id, kind="synthesis", action="utterance.synthesize",
            outcome=outcome, actor=AuditActor.of(SERVICE, event.origin),
            attributes={"utterance_id": event.utterance_id, "language": event.target_language,
                        "voice_id": voice.voice_id if voice else None,
                        "engine": voice.engine if voice else None,
                        "quality": voice.quality if voice else None, **attributes})
