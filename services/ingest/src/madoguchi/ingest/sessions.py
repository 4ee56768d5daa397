"""Session state in the `sessions` KV bucket, so an ingest restart (or another replica) sees
every open session. Transitions use compare-and-set on the KV revision: two replicas (or the
sweeper and a staff member) can never both close the same session."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from typing import Literal

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue
from pydantic import AwareDatetime, Field

from madoguchi.shared.contracts import Origin
from madoguchi.shared.contracts.envelope import Contract, LanguageTag, Token


def _now() -> datetime:
    return datetime.now(UTC)


class SecondPass(Contract):
    """The purge repeated after the longest ack wait: anything that landed after the close."""

    erased_at: AwareDatetime
    subjects: dict[str, int] = Field(description="Subject -> messages removed.")
    messages_removed: int
    remaining_messages: int


class KeptRecord(Contract):
    """What of the session is NOT erased at the close, where it is, and for how long."""

    what: Literal["redacted_content", "metadata", "erasure_certificate"]
    where: Literal["audit_trail_sealed", "audit_trail"]
    days: float | None = Field(
        default=None, description="Kept this long, then destroyed; None: as long as the audit "
                                  "trail itself (the ward's retention of access records).")


def kept_after_erasure(redacted_content_days: float) -> list[KeptRecord]:
    return [
        # Transcripts and translations with names, numbers and addresses masked, sealed with
        # the session's own key; the key is destroyed after the retention (crypto-shredding).
        KeptRecord(what="redacted_content", where="audit_trail_sealed",
                   days=redacted_content_days),
        # Ids, counts, times, languages, reason codes: never text or audio.
        KeptRecord(what="metadata", where="audit_trail"),
        KeptRecord(what="erasure_certificate", where="audit_trail"),
    ]


class ErasureReceipt(Contract):
    session_id: Token
    reason: str
    actor: str
    erased_at: AwareDatetime
    stream: str
    subjects: dict[str, int] = Field(description="Subject -> messages removed.")
    messages_removed: int
    audio_objects: list[str]
    remaining_messages: int
    dead_letters_removed: int = 0
    idempotency_records_removed: int = 0
    speech_objects: list[str] = Field(
        default_factory=list, description="Synthesised speech objects deleted (speech bucket).")
    second_pass: SecondPass | None = Field(
        default=None, description="Filled in once the second purge ran (closing again shows it).")
    event_id: str = Field(description="Event id of mg.v1.session.erased (the certificate).")
    kept: list[KeptRecord] = Field(
        default_factory=list, description="What is not erased by the close, and where it stays "
                                          "(docs/operators/erasure-reporting.md).")


class SessionState(Contract):
    session_id: Token
    counter_id: Token
    device_id: Token
    staff_id: Token
    staff_language: LanguageTag
    visitor_language: LanguageTag | None
    confirm_before_showing: Literal["off", "warnings", "always"] = "off"
    status: Literal["open", "closing", "closed"] = "open"
    opened_at: AwareDatetime = Field(default_factory=_now)
    last_activity: AwareDatetime = Field(default_factory=_now)
    receipt: ErasureReceipt | None = None

    def origin(self, utterance_id: str, staff_id: str) -> Origin:
        """The frozen origin every event of this utterance carries from here on (`staff_id`:
        who is signed in on the session's device now)."""
        return Origin(session_id=self.session_id, utterance_id=utterance_id,
                      counter_id=self.counter_id, device_id=self.device_id,
                      staff_id=staff_id, received_at=_now(),
                      staff_language=self.staff_language,
                      visitor_language=self.visitor_language)


def new_session_id() -> str:
    return uuid.uuid4().hex


class SessionConflict(Exception):
    """Someone else changed the session in between (another request, replica or the sweeper)."""


class SessionStore:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    async def get(self, session_id: str) -> tuple[SessionState, int] | None:
        try:
            entry = await self._kv.get(session_id)
        except KeyNotFoundError:
            return None
        if not entry.value:
            return None
        return SessionState.model_validate_json(entry.value), entry.revision or 0

    async def create(self, state: SessionState) -> None:
        await self._kv.create(state.session_id, state.model_dump_json().encode())

    async def replace(self, state: SessionState, revision: int) -> int:
        try:
            return await self._kv.update(state.session_id, state.model_dump_json().encode(),
                                         last=revision)
        except KeyWrongLastSequenceError:
            raise SessionConflict(state.session_id) from None

    async def touch(self, state: SessionState, revision: int) -> None:
        """Record activity (keeps the idle sweeper away); losing this race is harmless."""
        with contextlib.suppress(SessionConflict):
            await self.replace(state.model_copy(update={"last_activity": _now()}), revision)

    async def ids(self) -> list[str]:
        try:
            return list(await self._kv.keys())
        except Exception:  # NoKeysError: nothing stored
            return []
