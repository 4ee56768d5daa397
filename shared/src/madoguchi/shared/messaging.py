"""Publishing events the same way everywhere, and the failure types the runtime understands.

Publishing always sets `Nats-Msg-Id` from `event_id` (JetStream's dedupe) and injects W3C trace
context. Consuming is the runtime's (`madoguchi.shared.runtime.consumer`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TypeVar

from nats.js.api import PubAck
from nats.js.client import JetStreamContext
from opentelemetry import trace
from pydantic import ValidationError

from madoguchi.shared.contracts import SCHEMA_VERSION_HEADER, Event
from madoguchi.shared.tracing import inject_trace_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("madoguchi.messaging")

MSG_ID_HEADER = "Nats-Msg-Id"
E = TypeVar("E", bound=Event)


def event_headers(event: Event, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    headers = dict(extra or {})
    headers[MSG_ID_HEADER] = event.dedupe_id()
    headers[SCHEMA_VERSION_HEADER] = type(event).schema_name()
    return inject_trace_context(headers)


async def publish_event(
    js: JetStreamContext, event: Event, *, extra_headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> PubAck:
    """Publish to the event's own subject; JetStream acknowledges or this raises."""
    return await js.publish(
        event.subject(),
        event.model_dump_json().encode(),
        headers=event_headers(event, extra_headers),
        timeout=timeout,
    )


class DependencyUnavailable(Exception):
    """A dependency (database, object store ...) is down: retry later, however long it takes.

    Unlike other errors it does not use up the event's retry budget and never dead-letters it:
    an outage must delay events, not divert them. The consumer backs off up to
    `MAX_OUTAGE_BACKOFF_S` between attempts.
    """


MAX_OUTAGE_BACKOFF_S = 15.0


def safe_reason(exc: BaseException) -> str:
    """A reason that is safe to store: the exception type only, never its message.

    Exception messages routinely echo their input (pydantic quotes the bad value), so they may
    hold personal data.
    """
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        return f"invalid event: {', '.join(fields)[:150]}"
    return type(exc).__name__
