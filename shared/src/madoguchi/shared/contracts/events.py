"""Every event on `mg.v1.*`. Subjects and payloads here are what other parts rely on.

Fields that may hold personal data are marked `json_schema_extra={"personal_data": True}`: the
log scrubber, the schema snapshots and the privacy-boundary tests read that mark.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from madoguchi.shared.contracts.envelope import (
    Contract,
    Event,
    LanguageTag,
    SessionId,
    Token,
)

PERSONAL: JsonDict = {"personal_data": True}
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]
NO_SESSION = "_"
"""Subject token for audit events that belong to no session (a device login, an auditor query)."""


class Speaker(StrEnum):
    STAFF = "staff"
    VISITOR = "visitor"


# --- session lifecycle (ingest) -------------------------------------------------------------


class SessionOpened(Event):
    SUBJECT: ClassVar[str] = "mg.v1.session.opened.{session_id}"
    schema_version: Literal[1] = 1
    counter_id: Token
    device_id: Token
    staff_id: Token
    staff_language: LanguageTag = "ja"
    visitor_language: LanguageTag | None = Field(
        default=None, description="None means: detect the visitor's language from speech."
    )


class SessionClosed(Event):
    SUBJECT: ClassVar[str] = "mg.v1.session.closed.{session_id}"
    schema_version: Literal[1] = 1
    reason: Literal["closed_by_staff", "idle_timeout", "retention_sweep"]
    actor: ShortText


class ErasedSubject(Contract):
    subject: str
    messages: int = Field(ge=0)


class SessionErased(Event):
    """What closing a session removed: the content of the ward's erasure report (消去報告書)."""

    SUBJECT: ClassVar[str] = "mg.v1.session.erased.{session_id}"
    schema_version: Literal[2] = 2
    reason: Literal["closed_by_staff", "idle_timeout", "retention_sweep"]
    actor: ShortText
    stream: str
    subjects: list[ErasedSubject]
    messages_removed: int = Field(ge=0)
    audio_objects: list[Token] = Field(description="Object store keys deleted, not their content.")
    remaining_messages: int = Field(
        ge=0, description="Messages of this session left in the streams after the purge (0 = done)."
    )
    erasure_pass: Literal[1, 2] = Field(
        default=1, description="1: at the close; 2: repeated after the longest ack wait.")
    dead_letters_removed: int = Field(
        default=0, ge=0, description="Dead letters of this session erased (DEADLETTER stream).")
    idempotency_records_removed: int = Field(
        default=0, ge=0, description="Upload retry records (audio hashes) erased.")
    speech_objects: list[Token] = Field(
        default_factory=list,
        description="Synthesised speech object keys deleted (speech bucket), not their content.")


# --- utterances -----------------------------------------------------------------------------


class AudioReference(Contract):
    """Where the utterance's audio is, and what was uploaded.

    The object holds `stored` — the upload decoded once by ingest (in its limited worker) into
    headerless 16 kHz mono 16-bit PCM — so no later stage parses an untrusted container. The
    other fields describe the upload as the tablet sent it (`sha256` is its content hash, what
    the idempotency check compares); the object's integrity is the object store's digest.
    """

    bucket: Token
    key: Token
    stored: Literal["pcm_s16le_16k_mono"] = "pcm_s16le_16k_mono"
    stored_bytes: int = Field(ge=0)
    sha256: Sha256Hex
    format: Literal["wav", "webm", "ogg", "flac", "mp3"]
    codec: ShortText
    sample_rate: int = Field(gt=0, le=192_000)
    channels: int = Field(gt=0, le=8)
    duration_ms: int = Field(ge=0)
    size_bytes: int = Field(ge=0)


class Origin(Contract):
    """Where an utterance came from: set once by ingest, copied unchanged by every stage.

    It travels in the contract, not in trace baggage, so the usage report and the routing of
    results never depend on a propagator setting. Ids, languages and a time only.
    """

    session_id: SessionId
    utterance_id: Token
    counter_id: Token
    device_id: Token
    staff_id: Token
    received_at: Annotated[AwareDatetime, AfterValidator(lambda v: v.astimezone(UTC))]
    staff_language: LanguageTag
    visitor_language: LanguageTag | None = Field(
        default=None, description="None: the session detects the visitor's language.")

    def language_of(self, speaker: Speaker) -> str | None:
        return self.staff_language if speaker is Speaker.STAFF else self.visitor_language

    def listener_language(self, speaker: Speaker) -> str | None:
        """The other party's language: where this speaker's words are translated to."""
        return self.visitor_language if speaker is Speaker.STAFF else self.staff_language

    def latency_ms(self, now: datetime | None = None) -> int:
        """Milliseconds since ingest received the utterance."""
        elapsed = (now or datetime.now(UTC)) - self.received_at
        return max(0, int(elapsed.total_seconds() * 1000))


class UtteranceEvent(Event):
    """An event about one utterance: it names the utterance and carries its origin."""

    utterance_id: Token
    speaker: Speaker
    origin: Origin

    @model_validator(mode="after")
    def _origin_matches(self) -> UtteranceEvent:
        if (self.origin.session_id, self.origin.utterance_id) != (self.session_id,
                                                                  self.utterance_id):
            raise ValueError("origin names another utterance")
        return self


class UtteranceReceived(UtteranceEvent):
    SUBJECT: ClassVar[str] = "mg.v1.utterance.received.{session_id}"
    schema_version: Literal[2] = 2
    audio: AudioReference
    language_hints: list[LanguageTag] = Field(default_factory=list, max_length=4)


class TextSubmitted(UtteranceEvent):
    SUBJECT: ClassVar[str] = "mg.v1.text.submitted.{session_id}"
    schema_version: Literal[2] = 2
    language: LanguageTag
    text: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, json_schema_extra=PERSONAL
    )
    phrase_id: Token | None = None

    @model_validator(mode="after")
    def _exactly_one_source(self) -> TextSubmitted:
        if (self.text is None) == (self.phrase_id is None):
            raise ValueError("give exactly one of text or phrase_id")
        return self


class TermCorrection(Contract):
    term_id: Token
    start: int = Field(ge=0, le=4000)
    end: int = Field(ge=0, le=4000)


class UtteranceTranscribed(UtteranceEvent):
    SUBJECT: ClassVar[str] = "mg.v1.utterance.transcribed.{session_id}"
    schema_version: Literal[2] = 2
    status: Literal["text", "no_speech"]
    text: str = Field(default="", max_length=4000, json_schema_extra=PERSONAL)
    language: LanguageTag | None = None
    language_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    audio_duration_ms: int = Field(ge=0)
    model_id: ShortText
    corrections: list[TermCorrection] = Field(
        default_factory=list, max_length=32,
        description="Spans of `text` that recognition replaced by a vocabulary term whose "
                    "reading they matched (電入届 -> 転入届): ids and positions, no text.")


class GlossaryHit(Contract):
    term_id: Token
    enforced: bool


MeaningKind = Literal["number", "amount", "count", "date", "time", "duration", "counter",
                      "floor", "term", "negation", "drift"]


class MeaningWarning(Contract):
    """Where a translation may have changed what was said: the kind and the spans (code-point
    offsets into `source_text` and into `target_text` or `back_translation`), never the values."""

    kind: MeaningKind
    against: Literal["translation", "back_translation"]
    source_start: int | None = Field(default=None, ge=0, le=8000)
    source_end: int | None = Field(default=None, ge=0, le=8000)
    other_start: int | None = Field(default=None, ge=0, le=8000)
    other_end: int | None = Field(default=None, ge=0, le=8000)


class MeaningCheck(Contract):
    ok: bool
    warnings: list[MeaningWarning] = Field(default_factory=list, max_length=32)
    chrf: float | None = Field(default=None, ge=0.0, le=100.0,
                               description="chrF of back-translation against source.")


class UtteranceTranslated(UtteranceEvent):
    SUBJECT: ClassVar[str] = "mg.v1.utterance.translated.{session_id}"
    schema_version: Literal[2] = 2
    source_text: str = Field(max_length=4000, json_schema_extra=PERSONAL)
    source_language: LanguageTag
    target_text: str = Field(max_length=8000, json_schema_extra=PERSONAL)
    target_language: LanguageTag
    back_translation: str | None = Field(
        default=None, max_length=8000, json_schema_extra=PERSONAL
    )
    glossary_hits: list[GlossaryHit] = Field(default_factory=list)
    phrase_id: Token | None = Field(default=None, description="Set when served from memory.")
    phrase_review_status: Literal["machine-draft", "reviewed"] | None = None
    model_id: ShortText
    checks: MeaningCheck | None = Field(
        default=None, description="The meaning check; absent when nothing was translated.")


class SpeechAudio(Contract):
    """Where a synthesised translation's audio is: a WAV object in the speech bucket."""

    bucket: Token
    key: Token
    format: Literal["wav"] = "wav"
    sample_rate: int = Field(gt=0, le=96_000)
    duration_ms: int = Field(ge=0)
    size_bytes: int = Field(ge=0)
    sha256: Sha256Hex


class UtteranceSynthesized(UtteranceEvent):
    """The translation spoken in the listener's language, or why it is not. Never the text.

    One per translated utterance, so a tablet waiting for speech always hears back: `ready`
    with the audio's object, or `unavailable` with a reason (`no_voice`, `same_language`,
    `text_too_long`, `synthesis_failed`)."""

    SUBJECT: ClassVar[str] = "mg.v1.utterance.synthesized.{session_id}"
    schema_version: Literal[1] = 1
    status: Literal["ready", "unavailable"]
    language: LanguageTag
    voice_id: ShortText | None = None
    quality: Literal["natural", "robotic"] | None = Field(
        default=None, description="robotic: the espeak-ng fallback, labelled on the tablet.")
    audio: SpeechAudio | None = None
    reason_code: Token | None = None
    cached: bool = Field(default=False, description="A fixed phrase's cached audio was reused.")

    @model_validator(mode="after")
    def _ready_has_audio(self) -> UtteranceSynthesized:
        if (self.status == "ready") != (self.audio is not None and self.voice_id is not None):
            raise ValueError("ready speech names its audio and voice; unavailable has neither")
        if (self.status == "unavailable") != (self.reason_code is not None):
            raise ValueError("unavailable speech gives a reason_code, ready speech none")
        return self


class UtteranceFailed(UtteranceEvent):
    """A stage gave up on an utterance; the tablet shows it as failed. Never carries content."""

    SUBJECT: ClassVar[str] = "mg.v1.utterance.failed.{session_id}"
    schema_version: Literal[2] = 2
    stage: Literal["ingest", "recognition", "translation"]
    reason_code: Token
    retryable: bool = False

    @classmethod
    def of(cls, event: UtteranceEvent, stage: Literal["ingest", "recognition", "translation"],
           reason_code: str, *, retryable: bool = False) -> UtteranceFailed:
        return cls(session_id=event.session_id, utterance_id=event.utterance_id,
                   speaker=event.speaker, origin=event.origin, stage=stage,
                   reason_code=reason_code, retryable=retryable)


# --- audit (metadata only: the AUDIT stream never carries raw personal data) -----------------


# Metadata is ids, codes, counts and times: an attribute string is ASCII without spaces
# (ids, codes, comma lists, ISO times, user@host). Text — a name, an address, a sentence, in
# any script — cannot be put in the trail's metadata, where it would never be sealed or
# shredded: the event does not validate, at the producer and again at the audit service.
AUDIT_ATTRIBUTE_TEXT = r"^[A-Za-z0-9_.,:;@/+=#%~-]*$"
AuditAttribute = (Annotated[str, StringConstraints(max_length=2000, pattern=AUDIT_ATTRIBUTE_TEXT)]
                  | int | float | bool | None)


class AuditActor(Contract):
    service: Token
    device_id: Token | None = None
    staff_id: Token | None = None
    auditor_id: Token | None = None

    @classmethod
    def of(cls, service: str, origin: Origin) -> AuditActor:
        """The device and staff member an utterance came from, as seen by `service`."""
        return cls(service=service, device_id=origin.device_id, staff_id=origin.staff_id)


RESERVED_AUDIT_KINDS: dict[str, str] = {
    "content": "redaction",  # RedactedContent: the only content the trail may hold
    "erasure": "ingest",  # erasure certificates
    "query": "audit", "analysis": "audit", "checkpoint": "audit", "security": "audit",
}
"""Audit kinds only one service may speak for; the audit service refuses them from any other."""


class AuditEvent(Event):
    """Who did what, when, with which outcome. `attributes` hold ids, counts and durations.

    The subject names the publishing service (`mg.v1.audit.<service>.<kind>.<session>`), each
    NATS user may publish only under its own service, and the audit service stores an event
    only when its subject is the one its payload claims (`audit.sender`)."""

    SUBJECT: ClassVar[str] = "mg.v1.audit.{service}.{kind}.{session_token}"
    schema_version: Literal[1] = 1
    session_id: SessionId | None = None  # type: ignore[assignment]
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]
    action: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,63}$")]
    outcome: Literal["success", "failure", "denied", "info"]
    actor: AuditActor
    attributes: dict[Token, AuditAttribute] = Field(default_factory=dict, max_length=64)

    def derivation_key(self) -> str:
        return f"{self.schema_name()}:{self.kind}.{self.action}.{self.outcome}"

    @property
    def session_token(self) -> str:
        return self.session_id or NO_SESSION

    @property
    def service(self) -> str:
        return self.actor.service

    def dedupe_id(self) -> str:
        """Per sender: one service cannot make JetStream drop another's event by publishing
        its (predictable, derived) event id first (event-id squatting)."""
        return f"{self.service}.{self.event_id}"

    @classmethod
    def _subject_fields(cls) -> list[str]:
        return ["service", "kind", "session_token"]


class RedactedContent(Event):
    """Conversation text after redaction: the only content that may cross into the audit trail."""

    SUBJECT: ClassVar[str] = "mg.v1.audit.redaction.content.{session_id}"
    schema_version: Literal[1] = 1
    utterance_id: Token
    source_event: Literal["transcribed", "submitted", "translated"]
    fields: dict[Token, Annotated[str, StringConstraints(max_length=8000)]]
    entities: dict[Token, int] = Field(description="Entity type -> count found.")
    detector_version: ShortText
    fully_masked: bool = Field(
        default=False, description="The detector failed, so every field was masked whole."
    )

    def dedupe_id(self) -> str:
        return f"redaction.{self.event_id}"  # per sender, as `AuditEvent.dedupe_id`


# --- dead letters (stay in the short-lived DEADLETTER stream: they may hold personal data) ----


class DeadLetter(Event):
    """What a service gave up on. Session-scoped (`mg.v1.deadletter.<service>.<session>`, `_`
    for none) so that closing a session erases its dead letters with the rest."""

    SUBJECT: ClassVar[str] = "mg.v1.deadletter.{service}.{session_token}"
    schema_version: Literal[2] = 2
    session_id: SessionId | None = None  # type: ignore[assignment]
    service: Token
    original_subject: str
    original_event_id: str | None = None
    deliveries: int = Field(ge=0)
    reason_code: Token
    reason: ShortText = Field(description="Why it failed; never contains the payload.")
    payload_b64: str = Field(json_schema_extra=PERSONAL)
    headers: dict[str, str] = Field(default_factory=dict)

    @property
    def session_token(self) -> str:
        return self.session_id or NO_SESSION

    @classmethod
    def _subject_fields(cls) -> list[str]:
        return ["service", "session_token"]


ALL_EVENTS: tuple[type[Event], ...] = (
    SessionOpened,
    SessionClosed,
    SessionErased,
    UtteranceReceived,
    TextSubmitted,
    UtteranceTranscribed,
    UtteranceTranslated,
    UtteranceSynthesized,
    UtteranceFailed,
    AuditEvent,
    RedactedContent,
    DeadLetter,
)


def event_by_schema_name(name: str) -> type[Event]:
    for cls in ALL_EVENTS:
        if cls.schema_name() == name:
            return cls
    raise KeyError(name)


def personal_fields(model: type[Contract]) -> set[str]:
    return {
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
        and info.json_schema_extra.get("personal_data") is True
    }


def dump_subject_table() -> list[dict[str, Any]]:
    return [{"event": c.__name__, "subject": c.SUBJECT} for c in ALL_EVENTS]
