"""The redaction worker: transcripts and translations in, redacted content out to AUDIT.

Nothing it publishes carries an original value: each field is redacted; if the detector fails,
every field is replaced whole by `<REDACTED>` (`fully_masked`) and a failure audit event says so.
Both events get ids derived from the source event id, so a redelivery publishes the same
`Nats-Msg-Id` and JetStream's duplicate window drops the copy.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from typing import Protocol

from nats.js.client import JetStreamContext

from madoguchi.redaction.detector import Redaction
from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    RedactedContent,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.messaging import Delivery, publish_event

log = logging.getLogger(__name__)

SERVICE = "redaction"
MASK = "<REDACTED>"
MAX_FIELD_CHARS = 8000
SourceEvent = UtteranceTranscribed | UtteranceTranslated


class Redactor(Protocol):
    version: str

    def redact(self, text: str, language: str | None) -> Redaction: ...


def derived_event_id(prefix: str, source_event_id: str) -> str:
    digest = hashlib.sha256(f"{prefix}:{source_event_id}".encode()).hexdigest()
    return f"{prefix}-{digest[:40]}"


def source_fields(event: SourceEvent) -> dict[str, tuple[str, str | None]]:
    """Field name → (text, language) for every content field of the source event."""
    if isinstance(event, UtteranceTranscribed):
        return {"text": (event.text, event.language)}
    fields: dict[str, tuple[str, str | None]] = {
        "source_text": (event.source_text, event.source_language),
        "target_text": (event.target_text, event.target_language),
    }
    if event.back_translation is not None:
        fields["back_translation"] = (event.back_translation, event.source_language)
    return fields


class RedactionWorker:
    def __init__(self, js: Callable[[], JetStreamContext], detector: Redactor) -> None:
        # A provider: the runtime's JetStream context exists only once it has connected.
        self._js = js
        self.detector = detector
        # The analyzer runs in a thread (CPU-bound; keeps NATS heartbeats flowing), one at a time.
        self._lock = asyncio.Lock()

    async def handle(self, delivery: Delivery[SourceEvent]) -> None:
        event = delivery.event
        fields = source_fields(event)
        try:
            async with self._lock:
                redactions = await asyncio.to_thread(self._redact_all, fields)
        except Exception as exc:
            await self._publish_masked(event, fields, type(exc).__name__)
            return
        counts: dict[str, int] = {}
        for redaction in redactions.values():
            for entity, count in redaction.counts().items():
                counts[entity] = counts.get(entity, 0) + count
        await publish_event(self._js(), self._content(
            event, {name: _fit(r.text) for name, r in redactions.items()}, counts,
            fully_masked=False,
        ))
        log.info("content redacted", extra={"event_id": event.event_id,
                                            "session_id": event.session_id,
                                            "count": sum(counts.values())})

    def _redact_all(self, fields: dict[str, tuple[str, str | None]]) -> dict[str, Redaction]:
        return {name: self.detector.redact(text, lang) for name, (text, lang) in fields.items()}

    def _content(self, event: SourceEvent, fields: dict[str, str], counts: dict[str, int], *,
                 fully_masked: bool) -> RedactedContent:
        return RedactedContent(
            event_id=derived_event_id("red", event.event_id), session_id=event.session_id,
            utterance_id=event.utterance_id,
            source_event="transcribed" if isinstance(event, UtteranceTranscribed) else "translated",
            fields=fields, entities=counts, detector_version=self.detector.version,
            fully_masked=fully_masked,
        )

    async def _publish_masked(self, event: SourceEvent, fields: dict[str, tuple[str, str | None]],
                              error: str) -> None:
        failure = AuditEvent(
            event_id=derived_event_id("redfail", event.event_id), session_id=event.session_id,
            kind="failure", action="redaction.analyze", outcome="failure",
            actor=AuditActor(service=SERVICE),
            # The exception type only: messages may echo the text being analysed.
            attributes={"utterance_id": event.utterance_id, "error": error,
                        "source_event_id": event.event_id},
        )
        await publish_event(self._js(), failure)
        masked = {name: MASK if text else "" for name, (text, _) in fields.items()}
        await publish_event(self._js(), self._content(event, masked, {}, fully_masked=True))
        log.warning("redaction failed; content fully masked",
                    extra={"event_id": event.event_id, "session_id": event.session_id,
                           "error": error})


def _fit(text: str) -> str:
    # Placeholders are longer than most values; cutting the tail never reveals anything.
    return text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"
