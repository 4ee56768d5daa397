"""Close and erase a session: purge its CONVERSATION subjects, delete its audio objects,
publish `SessionErased` (the 消去報告書) and an `erasure` audit event with the same counts.

Order matters: the session is marked `closing` first (no new uploads), `SessionClosed` is
published so downstream stages can stop, then everything on `mg.v1.*.*.<session>` is counted,
purged subject by subject and counted again; `remaining_messages` proves the purge.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Literal

from nats.js.errors import NotFoundError, ObjectNotFoundError
from pydantic import ValidationError

from madoguchi.ingest.context import SERVICE, IngestContext
from madoguchi.ingest.sessions import ErasureReceipt, SessionConflict, SessionState
from madoguchi.shared.contracts import (
    ErasedSubject,
    SessionClosed,
    SessionErased,
    UtteranceReceived,
)
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.streams import AUDIO_BUCKET, CONVERSATION

log = logging.getLogger(__name__)
Reason = Literal["closed_by_staff", "idle_timeout", "retention_sweep"]


def session_filter(session_id: str) -> str:
    """Every CONVERSATION subject of one session (session ids are subject-safe tokens)."""
    return f"mg.v1.*.*.{session_id}"


def audio_prefix(session_id: str) -> str:
    return f"{session_id}-"


async def count_by_subject(ctx: IngestContext, session_id: str) -> dict[str, int]:
    info = await ctx.js.stream_info(CONVERSATION, subjects_filter=session_filter(session_id))
    return dict(info.state.subjects or {})


async def _audio_keys(ctx: IngestContext, session_id: str) -> list[str]:
    """The object keys this session's `utterance.received` events point at.

    Read from the stream (not by listing the bucket): ingest may not enumerate other sessions'
    audio, and every stored object is announced by exactly one such event. An upload that died
    between storing and announcing leaves an orphan that the bucket TTL removes.
    """
    subject = UtteranceReceived.SUBJECT.format(session_id=session_id)
    info = await ctx.js.stream_info(CONVERSATION, subjects_filter=subject)
    pending = (info.state.subjects or {}).get(subject, 0)
    keys: set[str] = set()
    if not pending:
        return []
    sub = await ctx.js.subscribe(subject, stream=CONVERSATION, ordered_consumer=True)
    try:
        for _ in range(pending):
            msg = await sub.next_msg(timeout=5)
            with contextlib.suppress(ValidationError):
                keys.add(UtteranceReceived.model_validate_json(msg.data).audio.key)
    finally:
        await sub.unsubscribe()
    return sorted(keys)


async def _delete_audio(ctx: IngestContext, keys: list[str]) -> list[str]:
    deleted = []
    for key in keys:
        try:
            await ctx.audio.delete(key)
        except (NotFoundError, ObjectNotFoundError):
            continue  # recognition already deleted it after transcribing: nothing to erase
        deleted.append(key)
    return deleted


async def close_session(ctx: IngestContext, state: SessionState, revision: int, reason: Reason,
                        actor: str) -> ErasureReceipt:
    """Raises `SessionConflict` if another request or replica is closing it right now."""
    closing = state.model_copy(update={"status": "closing"})
    revision = await ctx.sessions.replace(closing, revision)
    sid = state.session_id
    await publish_event(ctx.js, SessionClosed(session_id=sid, reason=reason, actor=actor))
    keys = await _audio_keys(ctx, sid)
    before = await count_by_subject(ctx, sid)
    for subject in before:
        await ctx.js.purge_stream(CONVERSATION, subject=subject)
    # A result that landed between the count and the purges is caught by the wildcard purge.
    await ctx.js.purge_stream(CONVERSATION, subject=session_filter(sid))
    audio = await _delete_audio(ctx, keys)
    remaining = sum((await count_by_subject(ctx, sid)).values())
    removed = sum(before.values())
    erased = SessionErased(
        session_id=sid, reason=reason, actor=actor, stream=CONVERSATION,
        subjects=[ErasedSubject(subject=s, messages=n) for s, n in sorted(before.items())],
        messages_removed=removed, audio_objects=audio, remaining_messages=remaining,
    )
    await publish_event(ctx.js, erased)
    per_kind = {s.split(".")[2] + "_" + s.split(".")[3]: n for s, n in before.items()}
    await ctx.audit(
        "erasure", "session.erased", "success" if remaining == 0 else "failure",
        device_id=state.device_id, staff_id=state.staff_id, session_id=sid,
        reason=reason, erasure_event_id=erased.event_id, stream=CONVERSATION,
        messages_removed=removed, remaining_messages=remaining, audio_objects=len(audio),
        audio_keys=",".join(audio)[:2000], bucket=AUDIO_BUCKET, **per_kind,
    )
    receipt = ErasureReceipt(
        session_id=sid, reason=reason, actor=actor, erased_at=datetime.now(UTC),
        stream=CONVERSATION, subjects=dict(sorted(before.items())), messages_removed=removed,
        audio_objects=audio, remaining_messages=remaining, event_id=erased.event_id,
    )
    try:
        await ctx.sessions.replace(closing.model_copy(
            update={"status": "closed", "receipt": receipt}), revision)
    except SessionConflict:
        log.warning("session changed while closing", extra={"session_id": sid})
    log.info("session erased", extra={"session_id": sid, "count": removed, "service": SERVICE})
    return receipt
