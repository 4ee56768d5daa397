"""When an utterance entered the system, carried with it to the stage that delivers it.

Ingest puts the receive time and the counter id into W3C baggage (the `baggage` NATS header,
next to `traceparent`); every consumer restores the context and every publish re-injects it,
so the translation stage can compute the end-to-end latency (upload received → translation
published) without a new contract field. Baggage holds ids and a timestamp only.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

from opentelemetry import baggage
from opentelemetry import context as otel_context

from madoguchi.shared.contracts.envelope import TOKEN_PATTERN

RECEIVED_AT = "madoguchi.received_at_ms"
COUNTER_ID = "madoguchi.counter_id"
DEVICE_ID = "madoguchi.device_id"


@contextlib.contextmanager
def utterance_received(counter_id: str | None, device_id: str | None = None) -> Iterator[None]:
    """Publish inside this block: the events carry the receive time (and counter/device id)."""
    ctx = baggage.set_baggage(RECEIVED_AT, str(int(time.time() * 1000)))
    if counter_id:
        ctx = baggage.set_baggage(COUNTER_ID, counter_id, ctx)
    if device_id:
        ctx = baggage.set_baggage(DEVICE_ID, device_id, ctx)
    token = otel_context.attach(ctx)
    try:
        yield
    finally:
        otel_context.detach(token)


def latency_ms() -> int | None:
    """Milliseconds since ingest received the utterance in the current context, if known."""
    value = baggage.get_baggage(RECEIVED_AT)
    try:
        received = int(str(value))
    except ValueError:
        return None
    return max(0, int(time.time() * 1000) - received)


def counter_id() -> str | None:
    """The counter id from baggage, only if it has the shape of an id (never free text)."""
    return _token(COUNTER_ID)


def device_id() -> str | None:
    return _token(DEVICE_ID)


def _token(key: str) -> str | None:
    value = baggage.get_baggage(key)
    return str(value) if value and re.fullmatch(TOKEN_PATTERN, str(value)) else None
