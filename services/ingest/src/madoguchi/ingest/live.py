"""`GET /v1/sessions/{id}/events`: Server-Sent Events of one session's results.

An ephemeral ordered consumer on CONVERSATION, filtered to `mg.v1.utterance.*.<session>`,
relays transcribed/translated/synthesized/failed events. Each SSE `id:` is the JetStream
stream sequence, so a tablet that lost its connection resumes with `Last-Event-ID` exactly
after the last event it saw — nothing lost, nothing repeated. The stream ends with a `closed`
event when the session is closed (its data is then erased anyway), and within `SSE_RECHECK_S`
(5 s) of the device being revoked, the staff member disabled or the token expiring
(`{"reason": "signed_out"}`).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from starlette.requests import Request

from madoguchi.ingest.context import IngestContext
from madoguchi.shared.contracts import (
    UtteranceFailed,
    UtteranceSynthesized,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.contracts.envelope import Event
from madoguchi.shared.streams import CONVERSATION

RELAYED: dict[str, type[Event]] = {
    "transcribed": UtteranceTranscribed,
    "translated": UtteranceTranslated,
    "synthesized": UtteranceSynthesized,
    "failed": UtteranceFailed,
}


def parse_last_event_id(value: str | None) -> int:
    """The stream sequence the tablet saw last; 0 (from the start) when absent or junk."""
    if value is None or not value.strip().isdigit() or len(value.strip()) > 19:
        return 0
    return int(value.strip())


def _frame(name: str, sequence: int, data: str) -> bytes:
    return f"id: {sequence}\nevent: {name}\ndata: {data}\n\n".encode()


async def session_events(ctx: IngestContext, request: Request, session_id: str,
                         after: int, authorized: Callable[[], Awaitable[bool]],
                         ) -> AsyncIterator[bytes]:
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if after else DeliverPolicy.ALL,
        opt_start_seq=after + 1 if after else None,
    )
    sub = await ctx.js.subscribe(
        f"mg.v1.utterance.*.{session_id}", stream=CONVERSATION, ordered_consumer=True,
        config=config, idle_heartbeat=5.0,
    )
    recheck = ctx.settings.sse_recheck_s
    next_check = time.monotonic() + recheck
    reason = "session_closed"
    try:
        yield b"retry: 2000\n\n"
        while True:
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + recheck
                if not await authorized():
                    reason = "signed_out"
                    break
            try:
                msg = await sub.next_msg(timeout=min(ctx.settings.sse_heartbeat_s, recheck))
            except (TimeoutError, NatsTimeout):
                if await request.is_disconnected() or not await _still_open(ctx, session_id):
                    break
                yield b": keep-alive\n\n"
                continue
            kind = msg.subject.split(".")[3] if msg.subject.count(".") >= 4 else ""
            event_type = RELAYED.get(kind)
            if event_type is None or msg.metadata is None:
                continue  # utterance.received: the tablet already has the upload's answer
            try:
                event = event_type.model_validate_json(msg.data)
            except ValidationError:
                continue  # never relay what does not match the contract
            yield _frame(kind, msg.metadata.sequence.stream, event.model_dump_json())
        yield f"event: closed\ndata: {json.dumps({'reason': reason})}\n\n".encode()
    finally:
        await sub.unsubscribe()


async def _still_open(ctx: IngestContext, session_id: str) -> bool:
    found = await ctx.sessions.get(session_id)
    return found is not None and found[0].status == "open"
