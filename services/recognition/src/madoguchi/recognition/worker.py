"""The handler of `mg.v1.utterance.received.*`: audio in the object store -> transcript event.

Order of work, chosen for redelivery safety and privacy:
1. fetch the audio object (gone on a redelivery = an earlier attempt finished: ack quietly);
2. check its sha256 against the event, decode (failure: `failed` event + dead letter);
3. transcribe off the event loop on one of the process's engines;
4. publish the transcript with an event id derived from the utterance, so a republish after a
   crash is a JetStream duplicate; publish the metadata audit event the same way;
5. delete the audio object; the consumer acks after this returns.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError, ObjectNotFoundError

from madoguchi.recognition.audio import UndecodableAudioError, decode, duration_ms, verify_sha256
from madoguchi.recognition.engine import Audio, RecognitionEngine, Transcript
from madoguchi.recognition.languages import candidates
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.recognition.objects import AudioObjects
from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    Speaker,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceTranscribed,
)
from madoguchi.shared.messaging import Delivery, PermanentFailure, publish_event

log = logging.getLogger(__name__)
SERVICE = "recognition"
_IDS = uuid.UUID("6d61646f-6775-6368-6900-7265636f676e")  # namespace for derived event ids


def derived_event_id(kind: str, event: UtteranceReceived) -> str:
    """Same utterance, same id: JetStream drops a republish within its duplicate window."""
    return uuid.uuid5(_IDS, f"{kind}:{event.session_id}:{event.utterance_id}").hex


class EnginePool:
    """The process's engines (loaded once); one utterance per engine at a time."""

    def __init__(self, engines: Sequence[RecognitionEngine]) -> None:
        if not engines:
            raise ValueError("at least one engine")
        self.model_id = engines[0].model_id
        self.languages: tuple[str, ...] = tuple(getattr(engines[0], "languages", ()))
        self._free: asyncio.Queue[RecognitionEngine] = asyncio.Queue()
        for engine in engines:
            self._free.put_nowait(engine)

    async def transcribe(self, audio: Audio, languages: Sequence[str]) -> Transcript:
        engine = await self._free.get()
        try:
            return await asyncio.to_thread(engine.transcribe, audio, languages)
        finally:
            self._free.put_nowait(engine)


class RecognitionWorker:
    def __init__(self, js: JetStreamContext, engines: EnginePool, *, bucket: str,
                 max_deliver: int, locks: LanguageLocks) -> None:
        self._js = js
        self._engines = engines
        self._bucket = bucket
        self._max_deliver = max_deliver
        self._locks = locks
        self._objects = AudioObjects(js, bucket)

    async def handle(self, delivery: Delivery[UtteranceReceived]) -> None:
        event = delivery.event
        ids = {"session_id": event.session_id, "utterance_id": event.utterance_id}
        if event.audio.bucket != self._bucket:  # we read only our bucket, never one named by input
            await self._failed(event, "audio_bucket_unexpected")
            raise PermanentFailure("audio_bucket_unexpected", "audio is not in the audio bucket")
        data = await self._fetch(event, delivery.deliveries)
        if data is None:
            return
        try:
            verify_sha256(data, event.audio.sha256)
            audio = decode(data)
        except UndecodableAudioError as exc:
            await self._failed(event, exc.reason_code)
            await self._delete(event)
            raise PermanentFailure(exc.reason_code, "audio object could not be decoded") from None
        del data
        allowed = self._allowed_languages(event)
        try:
            transcript = await self._engines.transcribe(audio, list(allowed))
        except Exception as exc:
            if delivery.deliveries < self._max_deliver:
                raise  # retried with a delay by the consumer
            await self._failed(event, "model_failure")
            raise PermanentFailure("model_failure",
                                   f"recognition engine raised {type(exc).__name__}") from None
        if event.speaker is Speaker.VISITOR and len(allowed) != 1:
            self._locks.offer(event.session_id, transcript.language,
                              transcript.language_probability)
        transcribed = self._transcribed(event, transcript, duration_ms(audio), allowed)
        await publish_event(self._js, transcribed)
        await publish_event(self._js, self._audit(event, transcribed, transcript))
        await self._delete(event)
        log.info("utterance transcribed", extra={**ids, "status": transcribed.status,
                                                 "language": transcribed.language,
                                                 "duration_ms": transcribed.audio_duration_ms,
                                                 "model_id": transcribed.model_id})

    # --- steps ---------------------------------------------------------------------------

    async def _fetch(self, event: UtteranceReceived, deliveries: int) -> bytes | None:
        try:
            return await self._objects.read(event.audio.key)
        except (ObjectNotFoundError, NotFoundError):
            if deliveries > 1:
                # We delete only after publishing: an earlier delivery finished its work and
                # crashed (or timed out) before the ack. Its transcript is already published.
                log.info("audio already consumed; acknowledging redelivery",
                         extra={"session_id": event.session_id,
                                "utterance_id": event.utterance_id, "delivery": deliveries})
                return None
            # First delivery and no audio: it expired or the session was closed and erased.
            await self._failed(event, "audio_unavailable")
            return None
        except Exception as exc:  # digest mismatch, missing chunks, bad metadata ...
            await self._failed(event, "audio_object_corrupt")
            raise PermanentFailure("audio_object_corrupt",
                                   f"audio object unreadable: {type(exc).__name__}") from None

    async def _delete(self, event: UtteranceReceived) -> None:
        await self._objects.delete(event.audio.key)

    def _allowed_languages(self, event: UtteranceReceived) -> dict[str, str]:
        """Model code -> session tag. One entry forces the language; none means any."""
        allowed = candidates(event.language_hints, self._engines.languages)
        locked = self._locks.get(event.session_id) if event.speaker is Speaker.VISITOR else None
        if locked and (not allowed or locked in allowed):
            return {locked: allowed.get(locked, locked)}
        return allowed

    def _transcribed(self, event: UtteranceReceived, transcript: Transcript, audio_ms: int,
                     allowed: dict[str, str]) -> UtteranceTranscribed:
        language = transcript.language
        return UtteranceTranscribed(
            event_id=derived_event_id("transcribed", event),
            session_id=event.session_id, utterance_id=event.utterance_id,
            speaker=event.speaker, status=transcript.status, text=transcript.text[:4000],
            language=allowed.get(language, language) if language else None,
            language_probability=transcript.language_probability,
            confidence=transcript.confidence, audio_duration_ms=audio_ms,
            model_id=self._engines.model_id, target_language=event.target_language,
        )

    def _audit(self, event: UtteranceReceived, transcribed: UtteranceTranscribed,
               transcript: Transcript) -> AuditEvent:
        return AuditEvent(
            event_id=derived_event_id("audit", event), session_id=event.session_id,
            kind="recognition", action="utterance.transcribed",
            outcome="success" if transcribed.status == "text" else "info",
            actor=AuditActor(service=SERVICE, device_id=event.device_id, staff_id=event.staff_id),
            attributes={
                "utterance_id": event.utterance_id, "status": transcribed.status,
                "no_speech_reason": transcript.no_speech_reason,
                "language": transcribed.language,
                "audio_duration_ms": transcribed.audio_duration_ms,
                "model_id": transcribed.model_id,
            },
        )

    async def _failed(self, event: UtteranceReceived, reason_code: str) -> None:
        await publish_event(self._js, UtteranceFailed(
            event_id=derived_event_id("failed", event), session_id=event.session_id,
            utterance_id=event.utterance_id, stage="recognition", reason_code=reason_code,
            retryable=False,
        ))
        log.warning("utterance failed", extra={"session_id": event.session_id,
                                               "utterance_id": event.utterance_id,
                                               "reason_code": reason_code})
