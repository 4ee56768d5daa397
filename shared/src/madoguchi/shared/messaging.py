"""Publishing and consuming events the same way in every service.

Publishing always sets `Nats-Msg-Id` from `event_id` (JetStream's dedupe; FastStream never sets
it) and injects W3C trace context. Consuming decodes into the contract, restores the trace
context, and turns every failure into either a retry or a dead letter with a reason; a message
is never dropped silently and a handler error never crashes the worker.
"""

from __future__ import annotations

import base64
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nats.aio.msg import Msg
from nats.js.api import PubAck
from nats.js.client import JetStreamContext
from opentelemetry import context as otel_context
from opentelemetry import trace
from pydantic import TypeAdapter, ValidationError

from madoguchi.shared.contracts import SCHEMA_VERSION_HEADER, DeadLetter, Event
from madoguchi.shared.contracts.envelope import TOKEN_PATTERN
from madoguchi.shared.telemetry import pipeline_instruments
from madoguchi.shared.tracing import extract_trace_context, inject_trace_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("madoguchi.messaging")

MSG_ID_HEADER = "Nats-Msg-Id"
E = TypeVar("E", bound=Event)


def event_headers(event: Event, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    headers = dict(extra or {})
    headers[MSG_ID_HEADER] = event.event_id
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


class PermanentFailure(Exception):
    """The event can never be processed (bad input, unsupported pair ...): dead-letter it now.

    `reason_code` is a token and `reason` a short text; neither may contain personal data.
    """

    def __init__(self, reason_code: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_code = reason_code
        self.reason = reason


class DependencyUnavailable(Exception):
    """A dependency (database, object store ...) is down: retry later, however long it takes.

    Unlike other errors it does not use up the event's retry budget and never dead-letters it:
    an outage must delay events, not divert them. The consumer backs off up to
    `MAX_OUTAGE_BACKOFF_S` between attempts.
    """


MAX_OUTAGE_BACKOFF_S = 15.0


@dataclass(frozen=True)
class Delivery(Generic[E]):
    event: E
    subject: str
    deliveries: int
    headers: Mapping[str, str]


Handler = Callable[[Delivery[E]], Awaitable[None]]


def safe_reason(exc: BaseException) -> str:
    """A reason that is safe to store: the exception type only, never its message.

    Exception messages routinely echo their input (pydantic quotes the bad value), so they may
    hold personal data.
    """
    if isinstance(exc, PermanentFailure):
        return exc.reason[:200]
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        return f"invalid event: {', '.join(fields)[:150]}"
    return type(exc).__name__


class EventConsumer(Generic[E]):
    """Runs one handler over one durable consumer's deliveries with the house rules.

    - the handler publishes its results itself; we ack only after it returns;
    - invalid payloads and `PermanentFailure` go to `mg.v1.deadletter.<service>` at once;
    - other exceptions are retried (nak with delay) until `max_deliver`, then dead-lettered.
    """

    def __init__(
        self,
        js: JetStreamContext,
        *,
        service: str,
        event_type: Any,
        handler: Handler[E],
        max_deliver: int,
        retry_delay: float = 1.0,
    ) -> None:
        self._js = js
        self._service = service
        self._adapter: TypeAdapter[E] = TypeAdapter(event_type)
        self._handler = handler
        self._max_deliver = max_deliver
        self._retry_delay = retry_delay
        self._metrics = pipeline_instruments()

    async def __call__(self, msg: Msg) -> None:
        headers = dict(msg.headers or {})
        deliveries = msg.metadata.num_delivered if msg.metadata else 1
        token = otel_context.attach(extract_trace_context(headers))
        try:
            with tracer.start_as_current_span(
                f"{self._service} process",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.destination": msg.subject.rsplit(".", 1)[0],
                            "messaging.delivery": deliveries},
            ):
                await self._process(msg, headers, deliveries)
        finally:
            otel_context.detach(token)

    async def _process(self, msg: Msg, headers: dict[str, str], deliveries: int) -> None:
        started = time.perf_counter()
        outcome = await self._outcome(msg, headers, deliveries)
        labels = {"service": self._service}
        self._metrics.processed.add(1, labels | {"outcome": outcome})
        self._metrics.duration.record(time.perf_counter() - started, labels)

    async def _outcome(self, msg: Msg, headers: dict[str, str], deliveries: int) -> str:
        try:
            event = self._adapter.validate_json(msg.data)
        except ValidationError as exc:
            await self._dead_letter(msg, headers, deliveries, "invalid_event", safe_reason(exc))
            return "dead_letter"
        # Ids only on the span (never content): enough to find the utterance in the audit trail.
        trace.get_current_span().set_attributes({
            "madoguchi.event_id": event.event_id, "madoguchi.session_id": event.session_id or "",
            "madoguchi.utterance_id": str(getattr(event, "utterance_id", "") or "")})
        try:
            await self._handler(Delivery(event, msg.subject, deliveries, headers))
        except PermanentFailure as exc:
            await self._dead_letter(msg, headers, deliveries, exc.reason_code, safe_reason(exc),
                                    event)
            return "dead_letter"
        except DependencyUnavailable as exc:
            log.warning("dependency unavailable, will retry", extra={
                "event_id": event.event_id, "error": type(exc.__cause__ or exc).__name__,
                "delivery": deliveries})
            backoff = self._retry_delay * 2 ** min(deliveries, 6)
            await msg.nak(delay=min(MAX_OUTAGE_BACKOFF_S, backoff))
            return "waiting"
        except Exception as exc:  # the worker must survive any handler failure
            if deliveries >= self._max_deliver:
                await self._dead_letter(msg, headers, deliveries, "max_deliver", safe_reason(exc),
                                        event)
                return "dead_letter"
            log.warning("retrying event", extra={"event_id": event.event_id,
                                                 "error": type(exc).__name__,
                                                 "delivery": deliveries})
            await msg.nak(delay=self._retry_delay * deliveries)
            return "retry"
        await msg.ack_sync()
        return "ok"

    async def _dead_letter(
        self, msg: Msg, headers: Mapping[str, str], deliveries: int, code: str, reason: str,
        event: Event | None = None,
    ) -> None:
        letter = DeadLetter(
            session_id=event.session_id if event else _session_from_subject(msg.subject),
            service=self._service,
            original_subject=msg.subject,
            original_event_id=headers.get(MSG_ID_HEADER),
            deliveries=deliveries,
            reason_code=code,
            reason=reason,
            payload_b64=base64.b64encode(msg.data).decode(),
            headers={k: v for k, v in headers.items() if k != MSG_ID_HEADER},
        )
        await publish_event(self._js, letter)
        self._metrics.dead_letters.add(1, {"service": self._service, "reason_code": code})
        log.warning("dead-lettered event", extra={"subject_kind": msg.subject.rsplit(".", 1)[0],
                                                  "reason_code": code})
        # TERM, not ACK: the consumer's stats say it was given up on, not processed.
        await msg.term()


def _session_from_subject(subject: str) -> str | None:
    token = subject.rsplit(".", 1)[-1]
    return token if re.fullmatch(TOKEN_PATTERN, token) else None
