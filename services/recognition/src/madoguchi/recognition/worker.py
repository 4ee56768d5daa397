"""The handler of `mg.v1.utterance.received.*`: audio in the object store -> transcript event.

Order of work, chosen for redelivery safety and privacy:
1. fetch the audio object (gone on a redelivery = an earlier attempt finished: nothing to do);
2. read the samples ingest stored (decoded once there: no container is parsed here; the
   object store checked the object's digest on the read);
3. transcribe off the event loop on one of the process's engines;
4. return the transcript and its metadata audit event; the runtime publishes them with ids
   derived from the utterance, so a republish after a crash is a JetStream duplicate;
5. after publishing, the runtime runs the clean-up that deletes the audio object, then acks.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from nats.js.errors import NotFoundError, ObjectNotFoundError

from madoguchi.recognition.audio import UndecodableAudioError, duration_ms, from_pcm
from madoguchi.recognition.correction import Correction, TermCorrector
from madoguchi.recognition.engine import Audio, RecognitionEngine, Transcript
from madoguchi.recognition.languages import candidates, to_model_code
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    Speaker,
    TermCorrection,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceTranscribed,
)
from madoguchi.shared.runtime import NOTHING, Context, Outcome
from madoguchi.shared.runtime.outcome import AfterPublish

log = logging.getLogger(__name__)
SERVICE: Literal["recognition"] = "recognition"


class AudioSource(Protocol):
    async def read(self, key: str) -> bytes:
        """The object's bytes; raises ObjectNotFoundError when it is gone."""
        ...

    async def delete(self, key: str) -> bool: ...


class EnginePool:
    """The process's engines (loaded once); one utterance per engine at a time."""

    def __init__(self, engines: Sequence[RecognitionEngine]) -> None:
        if not engines:
            raise ValueError("at least one engine")
        self.model_id = engines[0].model_id
        self.languages: tuple[str, ...] = tuple(getattr(engines[0], "languages", ()))
        self.size = len(engines)
        self._free: asyncio.Queue[RecognitionEngine] = asyncio.Queue()
        for engine in engines:
            self._free.put_nowait(engine)

    async def transcribe(self, audio: Audio, languages: Sequence[str], *,
                         fallback: str | None = None, confident: float = 0.0) -> Transcript:
        engine = await self._free.get()
        try:
            return await asyncio.to_thread(functools.partial(
                engine.transcribe, audio, languages, fallback=fallback, confident=confident))
        finally:
            self._free.put_nowait(engine)


def failed(event: UtteranceReceived, reason_code: str) -> UtteranceFailed:
    return UtteranceFailed.of(event, SERVICE, reason_code)


def gave_up(event: UtteranceReceived, _: Context) -> Outcome:
    """After the last attempt failed unexpectedly: the tablet must not wait for ever."""
    return Outcome.publish(failed(event, "processing_failed"))


@dataclass(frozen=True)
class LanguagePlan:
    """Which languages the engine may choose between, and which wins an unsure detection."""

    allowed: dict[str, str]
    """Model code -> session tag. One entry forces the language; none means any."""
    fallback: str | None = None
    confident: float = 0.0


class RecognitionHandler:
    def __init__(self, engines: EnginePool, *, bucket: str, locks: LanguageLocks,
                 audio: AudioSource | None = None, corrector: TermCorrector | None = None,
                 staff_override_probability: float = 0.8) -> None:
        self._engines = engines
        self._bucket = bucket
        self._locks = locks
        self._corrector = corrector
        self._staff_override = staff_override_probability
        self.audio = audio
        """Bound once NATS is connected (`service.setup`)."""

    async def handle(self, event: UtteranceReceived, context: Context) -> Outcome:
        assert self.audio is not None, "audio source not bound"
        if event.audio.bucket != self._bucket:  # we read only our bucket, never one named by input
            return Outcome.refuse("audio_bucket_unexpected", "audio is not in the audio bucket",
                                  failed(event, "audio_bucket_unexpected"))
        try:
            data = await self.audio.read(event.audio.key)
        except (ObjectNotFoundError, NotFoundError):
            if context.deliveries > 1:
                # We delete only after publishing: an earlier delivery finished its work and
                # crashed (or timed out) before the ack. Its transcript is already published.
                log.info("audio already consumed; acknowledging redelivery", extra={
                    "session_id": event.session_id, "utterance_id": event.utterance_id,
                    "delivery": context.deliveries})
                return NOTHING
            # First delivery and no audio: it expired or the session was closed and erased.
            return Outcome.publish(failed(event, "audio_unavailable"))
        except Exception as exc:  # digest mismatch, missing chunks, bad metadata ...
            return Outcome.refuse("audio_object_corrupt",
                                  f"audio object unreadable: {type(exc).__name__}",
                                  failed(event, "audio_object_corrupt"))
        delete = self._deleter(event.audio.key)
        try:
            audio = from_pcm(data)
        except UndecodableAudioError as exc:
            return Outcome.refuse(exc.reason_code, "audio object could not be decoded",
                                  failed(event, exc.reason_code), after=[delete])
        del data
        plan = self._plan(event)
        try:
            transcript = await self._engines.transcribe(
                audio, list(plan.allowed), fallback=plan.fallback, confident=plan.confident)
        except Exception as exc:
            if not context.last_attempt:
                raise  # retried with a delay by the runtime
            return Outcome.refuse("model_failure",
                                  f"recognition engine raised {type(exc).__name__}",
                                  failed(event, "model_failure"))
        staff_code = to_model_code(event.origin.staff_language)
        if (event.speaker is Speaker.VISITOR and len(plan.allowed) != 1
                and transcript.language != staff_code):
            self._locks.offer(event.session_id, transcript.language,
                              transcript.language_probability)
        corrections: tuple[Correction, ...] = transcript.corrections or ()
        if (self._corrector and transcript.status == "text" and transcript.language == "ja"
                and transcript.corrections is None):
            corrected = await asyncio.to_thread(self._corrector.correct, transcript.text)
            transcript = replace(transcript, text=corrected.text)
            corrections = corrected.corrections
        transcribed = self._transcribed(event, transcript, duration_ms(audio), plan.allowed,
                                        corrections)
        log.info("utterance transcribed", extra={
            "session_id": event.session_id, "utterance_id": event.utterance_id,
            "status": transcribed.status, "language": transcribed.language,
            "duration_ms": transcribed.audio_duration_ms, "model_id": transcribed.model_id})
        return Outcome.publish(transcribed, self._audit(event, transcribed, transcript),
                               after=[delete])

    def _deleter(self, key: str) -> AfterPublish:
        audio = self.audio
        assert audio is not None

        async def delete() -> None:
            await audio.delete(key)
        return delete

    def _plan(self, event: UtteranceReceived) -> LanguagePlan:
        """Staff speech is forced to its hint. A visitor's is detected between the visitor's
        language (the lock, once detected surely, or the session's) and the staff's: visitors
        answer in Japanese words, names and addresses, and forcing English on Japanese speech
        makes Whisper invent an English paraphrase. The staff's language wins only when it is
        detected surely; otherwise the visitor's stands."""
        allowed = candidates(event.language_hints, self._engines.languages)
        if event.speaker is not Speaker.VISITOR:
            return LanguagePlan(allowed)
        locked = self._locks.get(event.session_id)
        if locked and (not allowed or locked in allowed):
            allowed = {locked: allowed.get(locked, locked)}
        staff = candidates([event.origin.staff_language], self._engines.languages)
        if len(allowed) != 1 or set(staff) <= set(allowed):
            return LanguagePlan(allowed)  # any language (nothing known yet), or one already
        visitor = next(iter(allowed))
        return LanguagePlan({**allowed, **staff}, fallback=visitor,
                            confident=self._staff_override)

    def _transcribed(self, event: UtteranceReceived, transcript: Transcript, audio_ms: int,
                     allowed: dict[str, str], corrections: Sequence[Correction],
                     ) -> UtteranceTranscribed:
        language = transcript.language
        return UtteranceTranscribed(
            session_id=event.session_id, utterance_id=event.utterance_id,
            speaker=event.speaker, origin=event.origin, status=transcript.status,
            text=transcript.text[:4000],
            language=allowed.get(language, language) if language else None,
            language_probability=transcript.language_probability,
            confidence=transcript.confidence, audio_duration_ms=audio_ms,
            model_id=self._engines.model_id,
            corrections=[TermCorrection(term_id=c.term_id, start=c.start, end=c.end)
                         for c in corrections if c.end <= 4000],
        )

    def _audit(self, event: UtteranceReceived, transcribed: UtteranceTranscribed,
               transcript: Transcript) -> AuditEvent:
        return AuditEvent(
            session_id=event.session_id, kind="recognition", action="utterance.transcribed",
            outcome="success" if transcribed.status == "text" else "info",
            actor=AuditActor.of(SERVICE, event.origin),
            attributes={
                "utterance_id": event.utterance_id, "status": transcribed.status,
                "no_speech_reason": transcript.no_speech_reason,
                "language": transcribed.language,
                "audio_duration_ms": transcribed.audio_duration_ms,
                "model_id": transcribed.model_id,
                "term_corrections": len(transcribed.corrections),
            },
        )
