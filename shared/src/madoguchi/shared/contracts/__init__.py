"""Event contracts: the single source of truth for subjects, payloads and streams."""

from madoguchi.shared.contracts.envelope import (
    SCHEMA_VERSION_HEADER,
    Event,
    SessionId,
    new_event_id,
)
from madoguchi.shared.contracts.events import (
    ALL_EVENTS,
    AudioReference,
    AuditActor,
    AuditEvent,
    DeadLetter,
    ErasedSubject,
    RedactedContent,
    SessionClosed,
    SessionErased,
    SessionOpened,
    Speaker,
    TextSubmitted,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceTranscribed,
    UtteranceTranslated,
)

__all__ = [
    "ALL_EVENTS",
    "SCHEMA_VERSION_HEADER",
    "AudioReference",
    "AuditActor",
    "AuditEvent",
    "DeadLetter",
    "ErasedSubject",
    "Event",
    "RedactedContent",
    "SessionClosed",
    "SessionErased",
    "SessionId",
    "SessionOpened",
    "Speaker",
    "TextSubmitted",
    "UtteranceFailed",
    "UtteranceReceived",
    "UtteranceTranscribed",
    "UtteranceTranslated",
    "new_event_id",
]
