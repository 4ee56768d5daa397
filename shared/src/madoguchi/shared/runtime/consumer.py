"""One durable pull consumer, run with the house rules for every service.

The loop keeps exactly one pull request outstanding, asking for as many messages as there are
free handler slots (`Stage.concurrency`); the server delivers each message as soon as it is
published and each one goes to its handler at once — no batch to fill, no batch to finish
before the next fetch (docs/design.md, "Owning the consume loop"). While a handler runs long,
`in_progress()` heartbeats keep the server from redelivering it.

Per message: decode into the contract (invalid: dead letter), call the handler, publish its
`Outcome.events` with derived ids, run its `after` clean-ups, then acknowledge. Refusals are
published and, unless expected, dead-lettered; errors are retried with a delay until
`max_deliver`, then given up on (`Stage.exhausted` events + dead letter); an unavailable
dependency delays the event without using up its attempts. Nothing is dropped silently and no
handler error stops the worker.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.client import JetStreamContext
from opentelemetry import context as otel_context
from opentelemetry import trace
from pydantic import TypeAdapter, ValidationError

from madoguchi.shared.contracts import DeadLetter, Event
from madoguchi.shared.contracts.envelope import TOKEN_PATTERN
from madoguchi.shared.messaging import (
    MAX_OUTAGE_BACKOFF_S,
    MSG_ID_HEADER,
    DependencyUnavailable,
    publish_event,
    safe_reason,
)
from madoguchi.shared.runtime.closed import ClosedSessions
from madoguchi.shared.runtime.outcome import Context, Outcome, Refusal, Stage, with_derived_ids
from madoguchi.shared.streams import ConsumerSpec
from madoguchi.shared.telemetry import pipeline_instruments
from madoguchi.shared.tracing import extract_trace_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("madoguchi.runtime")

STATUS_HEADER = "Status"
_END_OF_REQUEST = {"404", "408", "409"}  # no messages / request expired / request cut short


class StageConsumer:
    def __init__(self, nc: Client, service: str, spec: ConsumerSpec, stage: Stage[Any], *,
                 retry_delay: float = 1.0, pull_expires: float = 5.0,
                 closed: ClosedSessions | None = None) -> None:
        self._nc = nc
        self._js: JetStreamContext = nc.jetstream()
        self._service = service
        self._spec = spec
        self._stage = stage
        self._adapter: TypeAdapter[Any] = TypeAdapter(stage.event_type)
        self._retry_delay = retry_delay
        self._closed = closed if stage.drop_after_close else None
        self._pull_expires = pull_expires
        self._heartbeat_every = max(0.5, spec.ack_wait.total_seconds() / 3)
        self._metrics = pipeline_instruments()
        self._slots = asyncio.Semaphore(max(1, stage.concurrency))
        self._in_flight: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._sub: Subscription | None = None

    # --- the pull loop ------------------------------------------------------------------

    async def start(self) -> None:
        self._sub = await self._nc.subscribe(self._nc.new_inbox())
        self._loop_task = asyncio.create_task(self._pull_forever())

    async def _pull_forever(self) -> None:
        while True:
            try:
                await self._pull_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a NATS hiccup (reconnecting ...): try again shortly
                log.warning("pull failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(0.5)

    async def _pull_once(self) -> None:
        assert self._sub is not None
        await self._slots.acquire()
        wanted = 1
        while not self._slots.locked():  # take every free slot for this one request
            await self._slots.acquire()
            wanted += 1
        request = {"batch": wanted, "expires": int(self._pull_expires * 1e9)}
        try:
            await self._nc.publish(
                f"$JS.API.CONSUMER.MSG.NEXT.{self._spec.stream}.{self._spec.durable}",
                json.dumps(request).encode(), reply=self._sub.subject)
            deadline = time.monotonic() + self._pull_expires + 1.0
            while wanted:
                msg = await self._sub.next_msg(timeout=max(0.01, deadline - time.monotonic()))
                status = (msg.headers or {}).get(STATUS_HEADER)
                if status is not None:
                    if status in _END_OF_REQUEST:
                        break
                    continue  # 100: heartbeat or flow control
                wanted -= 1
                self._dispatch(msg)
        except TimeoutError:
            pass  # the request was lost (reconnect): ask again
        finally:
            for _ in range(wanted):
                self._slots.release()

    def _dispatch(self, msg: Msg) -> None:
        task = asyncio.create_task(self._run(msg))
        self._in_flight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()

    async def _run(self, msg: Msg) -> None:
        try:
            await self.process(msg)
        except Exception as exc:  # process() handles everything; this is the last guard
            log.error("message processing crashed", extra={"error": type(exc).__name__})

    async def drain(self, grace: float) -> None:
        """Stop asking for messages; let the ones in hand finish (unfinished ones are
        redelivered after `ack_wait`, never acknowledged)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        await self._hand_back_unstarted()
        if self._in_flight:
            _, pending = await asyncio.wait(set(self._in_flight), timeout=grace)
            for task in pending:
                task.cancel()
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()

    async def _hand_back_unstarted(self) -> None:
        """Messages delivered for the last pull but not started: nak them so that another
        replica takes them now rather than after `ack_wait`."""
        if self._sub is None:
            return
        with contextlib.suppress(TimeoutError, Exception):
            while True:
                msg = await self._sub.next_msg(timeout=0.05)
                if (msg.headers or {}).get(STATUS_HEADER) is None:
                    await msg.nak()

    # --- one message ----------------------------------------------------------------------

    async def process(self, msg: Msg) -> str:
        """Handle one delivery end to end; returns the outcome label (for metrics, tests)."""
        headers = dict(msg.headers or {})
        deliveries = msg.metadata.num_delivered if msg.metadata else 1
        token = otel_context.attach(extract_trace_context(headers))
        started = time.perf_counter()
        try:
            with tracer.start_as_current_span(
                f"{self._service} process", kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.destination": msg.subject.rsplit(".", 1)[0],
                            "messaging.delivery": deliveries},
            ):
                label = await self._outcome(msg, headers, deliveries)
        finally:
            otel_context.detach(token)
        labels = {"service": self._service}
        self._metrics.processed.add(1, labels | {"outcome": label})
        self._metrics.duration.record(time.perf_counter() - started, labels)
        return label

    async def _outcome(self, msg: Msg, headers: dict[str, str], deliveries: int) -> str:
        try:
            event: Event = self._adapter.validate_json(msg.data)
        except ValidationError as exc:
            await self._dead_letter(msg, headers, deliveries, "invalid_event", safe_reason(exc))
            return "dead_letter"
        # Ids only on the span (never content): enough to find the utterance in the audit trail.
        trace.get_current_span().set_attributes({
            "madoguchi.event_id": event.event_id, "madoguchi.session_id": event.session_id or "",
            "madoguchi.utterance_id": str(getattr(event, "utterance_id", "") or "")})
        context = Context(self._service, msg.subject, deliveries, self._spec.max_deliver)
        if self._is_closed(event):
            await msg.ack()  # erased with its session: nothing to do, nothing to publish
            return "session_closed"
        try:
            outcome = await self._handle(msg, event, context)
        except DependencyUnavailable as exc:
            log.warning("dependency unavailable, will retry", extra={
                "event_id": event.event_id, "error": type(exc.__cause__ or exc).__name__,
                "delivery": deliveries})
            backoff = self._retry_delay * 2 ** min(deliveries, 6)
            await msg.nak(delay=min(MAX_OUTAGE_BACKOFF_S, backoff))
            return "waiting"
        except Exception as exc:  # the worker must survive any handler failure
            if not context.last_attempt:
                log.warning("retrying event", extra={"event_id": event.event_id,
                                                     "error": type(exc).__name__,
                                                     "delivery": deliveries})
                await msg.nak(delay=self._retry_delay * deliveries)
                return "retry"
            give_up = self._stage.exhausted(event, context) if self._stage.exhausted else Outcome()
            outcome = give_up.but_refused(Refusal("max_deliver", safe_reason(exc)))
        if self._is_closed(event):  # closed while we worked: drop the results, keep clean-ups
            log.info("session closed while in flight: results dropped", extra={
                "event_id": event.event_id, "session_id": event.session_id})
            outcome = Outcome(after=outcome.after)
        try:
            await self._publish(event, outcome)
            for clean_up in outcome.after:
                await clean_up()
        except Exception as exc:  # NATS unreachable mid-publish: ids are derived, so retry
            log.warning("publishing outcome failed, will retry", extra={
                "event_id": event.event_id, "error": type(exc).__name__})
            with contextlib.suppress(Exception):
                await msg.nak(delay=self._retry_delay * deliveries)
            return "retry"
        if not outcome.events and self._is_closed(event):
            await msg.ack()
            return "session_closed"
        refusal = outcome.refusal
        if refusal is not None and refusal.dead_letter:
            await self._dead_letter(msg, headers, deliveries, refusal.reason_code,
                                    refusal.reason[:200], event)
            return "dead_letter"
        await msg.ack()
        return "ok" if refusal is None else "refused"

    def _is_closed(self, event: Event) -> bool:
        return self._closed is not None and event.session_id in self._closed

    async def _handle(self, msg: Msg, event: Event, context: Context) -> Outcome:
        heartbeat = asyncio.create_task(self._keep_alive(msg))
        try:
            return await self._stage.handle(event, context)
        finally:
            heartbeat.cancel()

    async def _keep_alive(self, msg: Msg) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_every)
            with contextlib.suppress(Exception):
                await msg.in_progress()

    async def _publish(self, source: Event, outcome: Outcome) -> None:
        if outcome.events:
            await asyncio.gather(*(publish_event(self._js, e)
                                   for e in with_derived_ids(source, outcome.events)))

    async def _dead_letter(
        self, msg: Msg, headers: Mapping[str, str], deliveries: int, code: str, reason: str,
        event: Event | None = None,
    ) -> None:
        letter = DeadLetter(
            session_id=event.session_id if event else _session_from_subject(msg.subject),
            service=self._service,
            original_subject=msg.subject,
            original_event_id=event.event_id if event else headers.get(MSG_ID_HEADER),
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
