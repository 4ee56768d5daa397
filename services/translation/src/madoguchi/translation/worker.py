"""The translation worker: transcripts and typed text in, translations (or failures) out.

- `UtteranceTranscribed` with `status="no_speech"`: nothing was said, nothing to translate;
  acknowledged without output (recognition already told the tablet).
- The events carry `target_language` (ingest/recognition fill it from the session: staff's
  language for the visitor's speech and vice versa). Missing → `UtteranceFailed` + dead letter.
- Empty / over-long text, unsupported pair, unknown phrase id → `UtteranceFailed` (no content)
  and a dead letter with the reason (`PermanentFailure`): never a crash, never a retry loop.
- Idempotent: the output event id is derived from the input event id, so a redelivery
  republishes the same `Nats-Msg-Id` and JetStream's duplicate window drops it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Literal

from nats.js.client import JetStreamContext
from opentelemetry import trace

from madoguchi.shared.contracts import (
    AuditEvent,
    TextSubmitted,
    UtteranceFailed,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.contracts.events import AuditActor, AuditAttribute, GlossaryHit, Speaker
from madoguchi.shared.messaging import Delivery, PermanentFailure, publish_event
from madoguchi.shared.telemetry import stage_instruments
from madoguchi.shared.utterance_timing import counter_id as utterance_counter_id
from madoguchi.shared.utterance_timing import device_id as utterance_device_id
from madoguchi.shared.utterance_timing import latency_ms as utterance_latency_ms
from madoguchi.translation.engine import EngineError
from madoguchi.translation.pipeline import Translation, TranslationPipeline, TranslationRefused

log = logging.getLogger(__name__)
Incoming = UtteranceTranscribed | TextSubmitted


def derived_event_id(source_event_id: str, kind: str) -> str:
    return hashlib.sha256(f"{source_event_id}/{kind}".encode()).hexdigest()[:32]


class TranslationWorker:
    def __init__(self, js: Callable[[], JetStreamContext], pipeline: TranslationPipeline) -> None:
        self._js = js  # a provider: the runtime connects after the handler is registered
        self.pipeline = pipeline

    @property
    def js(self) -> JetStreamContext:
        return self._js()

    async def handle(self, delivery: Delivery[Incoming]) -> None:
        event = delivery.event
        if isinstance(event, UtteranceTranscribed) and event.status == "no_speech":
            log.info("no speech: nothing to translate", extra={"event_id": event.event_id})
            return
        try:
            result = await self._translate(event)
        except (TranslationRefused, EngineError) as exc:
            await self._fail(event, exc.reason_code)
            await publish_event(self.js, self._audit(event, "failure", {
                "reason_code": exc.reason_code}))
            raise PermanentFailure(exc.reason_code, exc.reason) from None
        await publish_event(self.js, self._translated(event, result))
        await self._delivered(event, result)
        await publish_event(self.js, self._audit(event, "success", {
            "model_id": result.model_id, "phrase_id": result.phrase_id,
            "phrase_review_status": result.phrase_review_status,
            "source_language": result.source_language, "target_language": result.target_language,
            "glossary_terms": len(result.glossary_hits),
            "glossary_unenforced": sum(not h.enforced for h in result.glossary_hits),
        }))
        log.info("translated", extra={
            "event_id": event.event_id, "model_id": result.model_id,
            "phrase_id": result.phrase_id, "glossary_hits": len(result.glossary_hits),
            "glossary_unenforced": sum(not h.enforced for h in result.glossary_hits),
        })

    async def _delivered(self, event: Incoming, result: Translation) -> None:
        """The utterance's end-to-end record for the usage report (kind `utterance`)."""
        latency = utterance_latency_ms()
        visitor_language = (result.source_language if event.speaker == Speaker.VISITOR
                            else result.target_language)
        attributes: dict[str, AuditAttribute] = {
            "utterance_id": event.utterance_id, "language": visitor_language,
            "source_language": result.source_language,
            "target_language": result.target_language, "counter_id": utterance_counter_id(),
        }
        if latency is not None:
            attributes["latency_ms"] = latency
            stage_instruments().utterance_latency.record(latency / 1000, {
                "source_language": result.source_language,
                "target_language": result.target_language})
        trace.get_current_span().set_attributes({
            "madoguchi.model_id": result.model_id,
            "madoguchi.source_language": result.source_language,
            "madoguchi.target_language": result.target_language,
            "madoguchi.latency_ms": latency if latency is not None else -1})
        await publish_event(self.js, AuditEvent(
            event_id=derived_event_id(event.event_id, "audit-delivered"),
            session_id=event.session_id, kind="utterance", action="delivered",
            outcome="success",
            actor=AuditActor(service="translation",
                             device_id=_device(event) or utterance_device_id(),
                             staff_id=_staff(event)),
            attributes=attributes))

    async def _translate(self, event: Incoming) -> Translation:
        if isinstance(event, TextSubmitted) and event.phrase_id is not None:
            phrase = self.pipeline.phrasebook.by_id(event.phrase_id)
            if phrase is None:
                raise TranslationRefused("unknown_phrase", "phrase id is not in the memory")
            src, tgt = self.pipeline.languages(event.language, event.target_language)
            return self.pipeline.from_phrase(phrase, src, tgt)
        if event.language is None:
            raise TranslationRefused("no_source_language", "event names no source language")
        return await self.pipeline.translate(event.text or "", event.language,
                                             event.target_language)

    def _translated(self, event: Incoming, result: Translation) -> UtteranceTranslated:
        return UtteranceTranslated(
            event_id=derived_event_id(event.event_id, "translated"),
            session_id=event.session_id, utterance_id=event.utterance_id, speaker=event.speaker,
            source_text=result.source_text, source_language=result.source_language,
            target_text=result.target_text, target_language=result.target_language,
            back_translation=result.back_translation,
            glossary_hits=[GlossaryHit(term_id=h.term_id, enforced=h.enforced)
                           for h in result.glossary_hits],
            phrase_id=result.phrase_id,
            phrase_review_status=result.phrase_review_status,
            model_id=result.model_id,
        )

    def _audit(self, event: Incoming, outcome: Literal["success", "failure"],
               attributes: dict[str, str | int | None]) -> AuditEvent:
        """Metadata only (ids, languages, counts): never the text."""
        return AuditEvent(
            event_id=derived_event_id(event.event_id, f"audit-{outcome}"),
            session_id=event.session_id, kind="translation", action="utterance.translate",
            outcome=outcome,
            actor=AuditActor(service="translation", device_id=_device(event),
                             staff_id=_staff(event)),
            attributes={"utterance_id": event.utterance_id, **attributes},
        )

    async def _fail(self, event: Incoming, reason_code: str) -> None:
        await publish_event(self.js, UtteranceFailed(
            event_id=derived_event_id(event.event_id, "failed"),
            session_id=event.session_id, utterance_id=event.utterance_id,
            stage="translation", reason_code=reason_code, retryable=False,
        ))


def _device(event: Incoming) -> str | None:
    return event.device_id if isinstance(event, TextSubmitted) else None


def _staff(event: Incoming) -> str | None:
    return event.staff_id if isinstance(event, TextSubmitted) else None
