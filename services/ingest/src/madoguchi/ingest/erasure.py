"""Close and erase a session: purge its CONVERSATION subjects and its dead letters, delete
its audio objects, its synthesised speech and upload retry records, publish `SessionErased`
(the 消去報告書) and an `erasure` audit event with the same counts.

Order matters: the session is marked `closing` first (no new uploads), `SessionClosed` is
published so downstream stages can stop, then everything on `mg.v1.*.*.<session>` (and
`mg.v1.deadletter.*.<session>`) is counted, purged subject by subject and counted again;
`remaining_messages` proves the purge.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from datetime import UTC, datetime
from typing import Literal, TypeVar

from nats.js.errors import NotFoundError, ObjectNotFoundError
from pydantic import ValidationError

from madoguchi.ingest.context import SERVICE, IngestContext
from madoguchi.ingest.sessions import (
    ErasureReceipt,
    SecondPass,
    SessionConflict,
    SessionState,
    kept_after_erasure,
)
from madoguchi.shared.contracts import (
    ErasedSubject,
    SessionClosed,
    SessionErased,
    UtteranceReceived,
    UtteranceTranslated,
)
from madoguchi.shared.contracts.envelope import Event
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.streams import (
    AUDIO_BUCKET,
    CONVERSATION,
    DEADLETTER,
    IDEMPOTENCY_BUCKET,
    SPEECH_BUCKET,
    speech_key,
)
from madoguchi.shared.subjects import covers

log = logging.getLogger(__name__)
Reason = Literal["closed_by_staff", "idle_timeout", "retention_sweep"]


def session_filter(session_id: str) -> str:
    """Every CONVERSATION subject of one session (session ids are subject-safe tokens)."""
    return f"mg.v1.*.*.{session_id}"


def audio_prefix(session_id: str) -> str:
    return f"{session_id}-"


def dead_letter_filter(session_id: str) -> str:
    return f"mg.v1.deadletter.*.{session_id}"


def idempotency_filter(session_id: str) -> str:
    """The upload retry records (`<session>.<Idempotency-Key>`: the audio's hash and answer)."""
    return f"$KV.{IDEMPOTENCY_BUCKET}.{session_id}.>"


ERASED = (  # (stream, filter) pairs closing a session empties
    (CONVERSATION, session_filter),
    (DEADLETTER, dead_letter_filter),
    (f"KV_{IDEMPOTENCY_BUCKET}", idempotency_filter),
)


async def count_by_subject(ctx: IngestContext, session_id: str) -> dict[str, int]:
    """Subject -> messages of this session, over every stream a close empties."""
    counts: dict[str, int] = {}
    for stream, subjects in ERASED:
        info = await ctx.js.stream_info(stream, subjects_filter=subjects(session_id))
        counts |= dict(info.state.subjects or {})
    return counts


async def purge_session(ctx: IngestContext, session_id: str, subjects: list[str]) -> None:
    by_stream = {stream: subjects_of(session_id) for stream, subjects_of in ERASED}
    for subject in subjects:
        stream = next(s for s, f in by_stream.items() if covers(f, subject))
        await ctx.js.purge_stream(stream, subject=subject)
    # A result that landed between the count and the purges is caught by the wildcard purges.
    for stream, subjects_filter in by_stream.items():
        await ctx.js.purge_stream(stream, subject=subjects_filter)


E = TypeVar("E", bound=Event)


async def _session_events(ctx: IngestContext, event_type: type[E], session_id: str) -> list[E]:
    """This session's events of one subject, read from the stream (an ordered consumer)."""
    subject = event_type.SUBJECT.format(session_id=session_id)
    info = await ctx.js.stream_info(CONVERSATION, subjects_filter=subject)
    pending = (info.state.subjects or {}).get(subject, 0)
    if not pending:
        return []
    found = []
    sub = await ctx.js.subscribe(subject, stream=CONVERSATION, ordered_consumer=True)
    try:
        for _ in range(pending):
            msg = await sub.next_msg(timeout=5)
            with contextlib.suppress(ValidationError):
                found.append(event_type.model_validate_json(msg.data))
    finally:
        await sub.unsubscribe()
    return found


async def _audio_keys(ctx: IngestContext, session_id: str) -> list[str]:
    """The object keys this session's `utterance.received` events point at.

    Read from the stream (not by listing the bucket): ingest may not enumerate other sessions'
    audio, and every stored object is announced by exactly one such event. An upload that died
    between storing and announcing leaves an orphan that the bucket TTL removes.
    """
    events = await _session_events(ctx, UtteranceReceived, session_id)
    return sorted({event.audio.key for event in events})


async def _speech_keys(ctx: IngestContext, session_id: str) -> list[str]:
    """The speech object of every translated utterance (`<session>-<utterance>`), whether or
    not synthesis has announced it yet: its audio may be stored a moment before the event."""
    events = await _session_events(ctx, UtteranceTranslated, session_id)
    return sorted({speech_key(session_id, event.utterance_id) for event in events})


async def _delete_speech(ctx: IngestContext, keys: list[str]) -> list[str]:
    """Delete each speech object and its marker (the name holds the session id)."""
    deleted = []
    for key in keys:
        if await ctx.speech.delete(key):
            deleted.append(key)
        marker = f"$O.{SPEECH_BUCKET}.M.{base64.urlsafe_b64encode(key.encode()).decode()}"
        await ctx.js.purge_stream(f"OBJ_{SPEECH_BUCKET}", subject=marker)
    return deleted


async def _delete_audio(ctx: IngestContext, keys: list[str]) -> list[str]:
    """Delete the objects, then their deletion markers too: a marker holds no audio, but its
    name is `<session>-<utterance>`, and nothing of the session may outlive the close."""
    deleted = []
    for key in keys:
        try:
            await ctx.audio.delete(key)
            deleted.append(key)
        except (NotFoundError, ObjectNotFoundError):
            pass  # recognition already deleted it after transcribing: only its marker is left
        marker = f"$O.{AUDIO_BUCKET}.M.{base64.urlsafe_b64encode(key.encode()).decode()}"
        await ctx.js.purge_stream(f"OBJ_{AUDIO_BUCKET}", subject=marker)
    return deleted


async def close_session(ctx: IngestContext, state: SessionState, revision: int, reason: Reason,
                        actor: str) -> ErasureReceipt:
    """Raises `SessionConflict` if another request or replica is closing it right now."""
    closing = state.model_copy(update={"status": "closing"})
    revision = await ctx.sessions.replace(closing, revision)
    sid = state.session_id
    # The tombstone first: stages drop the results of work still in flight for this session.
    await ctx.closed.put(sid, b"")
    await publish_event(ctx.js, SessionClosed(session_id=sid, reason=reason, actor=actor))
    keys = await _audio_keys(ctx, sid)
    spoken = await _speech_keys(ctx, sid)
    before = await count_by_subject(ctx, sid)
    await purge_session(ctx, sid, list(before))
    audio = await _delete_audio(ctx, keys)
    speech = await _delete_speech(ctx, spoken)
    remaining = sum((await count_by_subject(ctx, sid)).values())
    removed = sum(n for s, n in before.items() if not s.startswith("$KV."))  # messages
    dead_letters = sum(n for s, n in before.items() if s.startswith("mg.v1.deadletter."))
    retry_records = sum(n for s, n in before.items() if s.startswith("$KV."))
    erased = SessionErased(
        session_id=sid, reason=reason, actor=actor, stream=CONVERSATION,
        subjects=[ErasedSubject(subject=s, messages=n) for s, n in sorted(before.items())
                  if not s.startswith("$KV.")],
        messages_removed=removed, audio_objects=audio, remaining_messages=remaining,
        dead_letters_removed=dead_letters, idempotency_records_removed=retry_records,
        speech_objects=speech,
    )
    await publish_event(ctx.js, erased)
    per_kind = {s.split(".")[2] + "_" + s.split(".")[3]: n for s, n in before.items()
                if s.startswith("mg.v1.") and not s.startswith("mg.v1.deadletter.")}
    await ctx.audit(
        "erasure", "session.erased", "success" if remaining == 0 else "failure",
        device_id=state.device_id, staff_id=state.staff_id, session_id=sid,
        reason=reason, erasure_event_id=erased.event_id, stream=CONVERSATION,
        messages_removed=removed, remaining_messages=remaining, audio_objects=len(audio),
        dead_letters_removed=dead_letters, idempotency_records_removed=retry_records,
        audio_keys=",".join(audio)[:2000], bucket=AUDIO_BUCKET, speech_objects=len(speech),
        speech_keys=",".join(speech)[:2000], speech_bucket=SPEECH_BUCKET, **per_kind,
    )
    receipt = ErasureReceipt(
        session_id=sid, reason=reason, actor=actor, erased_at=datetime.now(UTC),
        stream=CONVERSATION, subjects={s: n for s, n in sorted(before.items())
                                       if not s.startswith("$KV.")},
        messages_removed=removed, audio_objects=audio, remaining_messages=remaining,
        dead_letters_removed=dead_letters, idempotency_records_removed=retry_records,
        speech_objects=speech, event_id=erased.event_id,
        kept=kept_after_erasure(ctx.settings.redacted_content_days),
    )
    try:
        await ctx.sessions.replace(closing.model_copy(
            update={"status": "closed", "receipt": receipt}), revision)
    except SessionConflict:
        log.warning("session changed while closing", extra={"session_id": sid})
    log.info("session erased", extra={"session_id": sid, "count": removed, "service": SERVICE})
    return receipt


async def second_pass(ctx: IngestContext, state: SessionState, revision: int) -> SecondPass:
    """Purge the closed session once more (results of work in flight at the close that got
    past the tombstone), certify it with a second `SessionErased` and `erasure` audit event,
    and keep the counts on the session's receipt. Raises `SessionConflict` on a race."""
    assert state.receipt is not None
    sid = state.session_id
    found = await count_by_subject(ctx, sid)
    await purge_session(ctx, sid, list(found))
    remaining = sum((await count_by_subject(ctx, sid)).values())
    removed = sum(n for s, n in found.items() if not s.startswith("$KV."))
    erased = SessionErased(
        session_id=sid, reason=state.receipt.reason, actor=state.receipt.actor,
        stream=CONVERSATION, erasure_pass=2,
        subjects=[ErasedSubject(subject=s, messages=n) for s, n in sorted(found.items())
                  if not s.startswith("$KV.")],
        messages_removed=removed, audio_objects=[], remaining_messages=remaining,
    )
    await publish_event(ctx.js, erased)
    await ctx.audit(
        "erasure", "session.erased", "success" if remaining == 0 else "failure",
        device_id=state.device_id, staff_id=state.staff_id, session_id=sid,
        reason=state.receipt.reason, erasure_event_id=erased.event_id, erasure_pass=2,
        first_pass_event_id=state.receipt.event_id, stream=CONVERSATION,
        messages_removed=removed, remaining_messages=remaining,
    )
    done = SecondPass(erased_at=datetime.now(UTC), messages_removed=removed,
                      remaining_messages=remaining,
                      subjects={s: n for s, n in sorted(found.items()) if not s.startswith("$KV.")})
    await ctx.sessions.replace(state.model_copy(update={
        "receipt": state.receipt.model_copy(update={"second_pass": done})}), revision)
    log.info("session erased again", extra={"session_id": sid, "count": removed})
    return done
