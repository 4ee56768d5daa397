"""The redaction handler: conversation text in, redacted content out to AUDIT.

Each text is redacted once: a transcript and typed text when they arrive, and of a translation
only what is new (the translation and its back-translation; its source is the transcript or the
typed text, already redacted). Typed text therefore reaches the trail redacted whether or not
translation succeeds. Nothing published carries an original value: if the detector fails,
every field is replaced whole by `<REDACTED>` (`fully_masked`) and a failure audit event says so.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, Protocol

from madoguchi.redaction.detector import Redaction
from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    RedactedContent,
    TextSubmitted,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.runtime import NOTHING, Context, Outcome

log = logging.getLogger(__name__)

SERVICE = "redaction"
MASK = "<REDACTED>"
MAX_FIELD_CHARS = 8000
SourceEvent = UtteranceTranscribed | TextSubmitted | UtteranceTranslated
SOURCE_NAMES: dict[type[SourceEvent], Literal["transcribed", "submitted", "translated"]] = {
    UtteranceTranscribed: "transcribed", TextSubmitted: "submitted",
    UtteranceTranslated: "translated"}


class Redactor(Protocol):
    version: str

    def redact(self, text: str, language: str | None) -> Redaction: ...


def source_fields(event: SourceEvent) -> dict[str, tuple[str, str | None]]:
    """Field name → (text, language) for every content field of the source event."""
    if isinstance(event, UtteranceTranscribed):
        return {"text": (event.text, event.language)} if event.text else {}
    if isinstance(event, TextSubmitted):
        return {"text": (event.text, event.language)} if event.text else {}
    fields: dict[str, tuple[str, str | None]] = {
        "target_text": (event.target_text, event.target_language),
    }
    if event.back_translation is not None:
        fields["back_translation"] = (event.back_translation, event.source_language)
    return fields


class RedactionHandler:
    def __init__(self, detector: Redactor) -> None:
        self.detector = detector
        # The analyzer runs in a thread (CPU-bound; keeps NATS heartbeats flowing), one at a time.
        self._lock = asyncio.Lock()

    async def handle(self, event: SourceEvent, context: Context) -> Outcome:
        fields = source_fields(event)
        if not fields:  # a phrase id or silence: no text, nothing to redact
            return NOTHING
        try:
            async with self._lock:
                redactions = await asyncio.to_thread(self._redact_all, fields)
        except Exception as exc:
            return self._masked(event, fields, type(exc).__name__)
        counts: dict[str, int] = {}
        for redaction in redactions.values():
            for entity, count in redaction.counts().items():
                counts[entity] = counts.get(entity, 0) + count
        log.info("content redacted", extra={"event_id": event.event_id,
                                            "session_id": event.session_id,
                                            "count": sum(counts.values())})
        return Outcome.publish(self._content(
            event, {name: _fit(r.text) for name, r in redactions.items()}, counts,
            fully_masked=False))

    def _redact_all(self, fields: dict[str, tuple[str, str | None]]) -> dict[str, Redaction]:
        return {name: self.detector.redact(text, lang) for name, (text, lang) in fields.items()}

    def _content(self, event: SourceEvent, fields: dict[str, str], counts: dict[str, int], *,
                 fully_masked: bool) -> RedactedContent:
        return RedactedContent(
            session_id=event.session_id, utterance_id=event.utterance_id,
            source_event=SOURCE_NAMES[type(event)],
            fields=fields, entities=counts, detector_version=self.detector.version,
            fully_masked=fully_masked,
        )

    def _masked(self, event: SourceEvent, fields: dict[str, tuple[str, str | None]],
                error: str) -> Outcome:
        failure = AuditEvent(
            session_id=event.session_id, kind="failure", action="redaction.analyze",
            outcome="failure", actor=AuditActor(service=SERVICE),
            # The exception type only: messages may echo the text being analysed.
            attributes={"utterance_id": event.utterance_id, "error": error,
                        "source_event_id": event.event_id},
        )
        masked = {name: MASK if text else "" for name, (text, _) in fields.items()}
        log.warning("redaction failed; content fully masked",
                    extra={"event_id": event.event_id, "session_id": event.session_id,
                           "error": error})
        return Outcome.publish(failure, self._content(event, masked, {}, fully_masked=True))


def _fit(text: str) -> str:
    # Placeholders are longer than most values; cutting the tail never reveals anything.
    return text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"
