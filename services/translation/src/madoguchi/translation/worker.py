"""The translation handler: transcripts and typed text in, translations (or failures) out.

- `UtteranceTranscribed` with `status="no_speech"`: nothing was said, nothing to translate
  (recognition already told the tablet).
- Where to translate to comes from the utterance's origin: the staff's language for the
  visitor's words and the visitor's for the staff's. Unknown -> `UtteranceFailed`.
- Empty / over-long text, unsupported pair, unknown phrase id, no model -> `UtteranceFailed`
  (no content) and a metadata audit event; only unexpected refusals are dead-lettered: an
  answer such as "no model installed" must not leave a copy of the content behind.
- The runtime derives every output id from the input event id: a redelivery republishes the
  same `Nats-Msg-Id` and JetStream's duplicate window drops it.
"""

from __future__ import annotations

import logging
from typing import Literal

from opentelemetry import trace

from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    TextSubmitted,
    UtteranceFailed,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.contracts.events import (
    AuditAttribute,
    GlossaryHit,
    MeaningCheck,
    MeaningWarning,
    Speaker,
)
from madoguchi.shared.runtime import NOTHING, Context, Outcome
from madoguchi.shared.telemetry import stage_instruments
from madoguchi.translation.engine import EngineError
from madoguchi.translation.meaning import check
from madoguchi.translation.meaning.terms import glossary_terms
from madoguchi.translation.pipeline import Translation, TranslationPipeline, TranslationRefused

log = logging.getLogger(__name__)
SERVICE: Literal["translation"] = "translation"
Incoming = UtteranceTranscribed | TextSubmitted

EXPECTED_REFUSALS = frozenset({"no_model", "unsupported_pair", "text_too_long", "empty_text"})
"""Answers, not faults: the `failed` event is enough and no dead letter keeps the content."""


def meaning_check(result: Translation) -> MeaningCheck | None:
    """The meaning check of a translation (None for a pass-through: nothing was translated)."""
    if result.source_language == result.target_language:
        return None
    checked = check(result.source_language, result.source_text, result.target_language,
                    result.target_text, result.back_translation, glossary_terms())
    warnings = [MeaningWarning(
        kind=w.kind, against=w.against,
        source_start=w.source_span[0] if w.source_span else None,
        source_end=w.source_span[1] if w.source_span else None,
        other_start=w.other_span[0] if w.other_span else None,
        other_end=w.other_span[1] if w.other_span else None) for w in checked.warnings[:32]]
    return MeaningCheck(ok=checked.ok, warnings=warnings, chrf=checked.chrf)


def gave_up(event: Incoming, _: Context) -> Outcome:
    return Outcome.publish(UtteranceFailed.of(event, SERVICE, "processing_failed"))


class TranslationHandler:
    def __init__(self, pipeline: TranslationPipeline) -> None:
        self.pipeline = pipeline

    async def handle(self, event: Incoming, context: Context) -> Outcome:
        if isinstance(event, UtteranceTranscribed) and event.status == "no_speech":
            return NOTHING
        try:
            result = await self._translate(event)
        except (TranslationRefused, EngineError) as exc:
            return Outcome.refuse(
                exc.reason_code, exc.reason,
                UtteranceFailed.of(event, SERVICE, exc.reason_code),
                self._audit(event, "failure", {"reason_code": exc.reason_code}),
                dead_letter=exc.reason_code not in EXPECTED_REFUSALS)
        checks = meaning_check(result)
        warnings = checks.warnings if checks else []
        log.info("translated", extra={
            "event_id": event.event_id, "model_id": result.model_id,
            "phrase_id": result.phrase_id, "glossary_hits": len(result.glossary_hits),
            "meaning_warnings": len(warnings)})
        return Outcome.publish(
            self._translated(event, result, checks),
            self._delivered(event, result, len(warnings)),
            self._audit(event, "success", {
                "meaning_warnings": len(warnings),
                "meaning_warning_kinds": ",".join(sorted({w.kind for w in warnings})) or None,
                "model_id": result.model_id, "phrase_id": result.phrase_id,
                "phrase_review_status": result.phrase_review_status,
                "source_language": result.source_language,
                "target_language": result.target_language,
                "glossary_terms": len(result.glossary_hits),
                "glossary_unenforced": sum(not h.enforced for h in result.glossary_hits),
            }))

    def _delivered(self, event: Incoming, result: Translation, warnings: int) -> AuditEvent:
        """The utterance's end-to-end record for the usage report (kind `utterance`): its
        languages, counter, latency and how many meaning-check warnings it raised."""
        latency = event.origin.latency_ms()
        visitor_language = (result.source_language if event.speaker == Speaker.VISITOR
                            else result.target_language)
        attributes: dict[str, AuditAttribute] = {
            "utterance_id": event.utterance_id, "language": visitor_language,
            "source_language": result.source_language,
            "target_language": result.target_language, "counter_id": event.origin.counter_id,
            "latency_ms": latency, "meaning_warnings": warnings,
        }
        stage_instruments().utterance_latency.record(latency / 1000, {
            "source_language": result.source_language,
            "target_language": result.target_language})
        trace.get_current_span().set_attributes({
            "madoguchi.model_id": result.model_id,
            "madoguchi.source_language": result.source_language,
            "madoguchi.target_language": result.target_language,
            "madoguchi.latency_ms": latency})
        return AuditEvent(
            session_id=event.session_id, kind="utterance", action="delivered",
            outcome="success", actor=AuditActor.of(SERVICE, event.origin),
            attributes=attributes)

    async def _translate(self, event: Incoming) -> Translation:
        target = event.origin.listener_language(event.speaker)
        if isinstance(event, TextSubmitted) and event.phrase_id is not None:
            phrase = self.pipeline.phrasebook.by_id(event.phrase_id)
            if phrase is None:
                raise TranslationRefused("unknown_phrase", "phrase id is not in the memory")
            src, tgt = self.pipeline.languages(event.language, target)
            return self.pipeline.from_phrase(phrase, src, tgt)
        if event.language is None:
            raise TranslationRefused("no_source_language", "event names no source language")
        return await self.pipeline.translate(event.text or "", event.language, target)

    def _translated(self, event: Incoming, result: Translation,
                    checks: MeaningCheck | None) -> UtteranceTranslated:
        return UtteranceTranslated(
            session_id=event.session_id, utterance_id=event.utterance_id, speaker=event.speaker,
            origin=event.origin,
            source_text=result.source_text, source_language=result.source_language,
            target_text=result.target_text, target_language=result.target_language,
            back_translation=result.back_translation,
            glossary_hits=[GlossaryHit(term_id=h.term_id, enforced=h.enforced)
                           for h in result.glossary_hits],
            phrase_id=result.phrase_id,
            phrase_review_status=result.phrase_review_status,
            model_id=result.model_id, checks=checks,
        )

    def _audit(self, event: Incoming, outcome: Literal["success", "failure"],
               attributes: dict[str, AuditAttribute]) -> AuditEvent:
        """Metadata only (ids, languages, counts): never the text."""
        return AuditEvent(
            session_id=event.session_id, kind="translation", action="utterance.translate",
            outcome=outcome, actor=AuditActor.of(SERVICE, event.origin),
            attributes={"utterance_id": event.utterance_id, **attributes},
        )
