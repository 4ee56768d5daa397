"""Read what a service published, as its downstream consumer would (tests only)."""

from __future__ import annotations

import asyncio
import contextlib

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.client import JetStreamContext


async def collect(admin: Client, subject: str, expected: int, stream: str,
                  rounds: int = 60) -> list[Msg]:
    """Pull until `expected` messages arrived (or ~`rounds`/2 s passed), then wait briefly more
    so that an unexpected extra message (a duplicate) is caught too."""
    sub = await admin.jetstream().pull_subscribe(subject, stream=stream)
    messages: list[Msg] = []
    for _ in range(rounds):
        try:
            batch = await sub.fetch(10, timeout=0.5)
        except TimeoutError:
            batch = []
        for msg in batch:
            await msg.ack()
        messages += batch
        if len(messages) >= expected:
            await asyncio.sleep(0.3)
            with contextlib.suppress(TimeoutError):
                messages += await sub.fetch(10, timeout=0.3)
            break
    await sub.unsubscribe()
    return messages


async def read_stored(js: JetStreamContext, stream: str, subject: str) -> list[Msg]:
    """Every message now stored under `subject`, read as a consumer would (ordered consumer):
    as many as the stream says it holds, so no idle timeout decides when to stop."""
    info = await js.stream_info(stream, subjects_filter=subject)
    total = sum((info.state.subjects or {}).values())
    if total == 0:
        return []
    sub = await js.subscribe(subject, stream=stream, ordered_consumer=True)
    out: list[Msg] = []
    try:
        while len(out) < total:
            out.append(await sub.next_msg(timeout=10))
    finally:
        await sub.unsubscribe()
    return out
