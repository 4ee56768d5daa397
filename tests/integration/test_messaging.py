"""The shared runtime's consumer against a real JetStream server: publish, ack, retry, dead
letters, and the pull loop itself (no batch to fill, no head-of-line blocking, heartbeats)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from datetime import timedelta

from nats.aio.client import Client
from nats.js.api import ConsumerConfig
from nats.js.client import JetStreamContext
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from madoguchi.shared.contracts import (
    AuditActor,
    AuditEvent,
    DeadLetter,
    SessionOpened,
    UtteranceFailed,
    UtteranceTranscribed,
)
from madoguchi.shared.messaging import MSG_ID_HEADER, DependencyUnavailable, publish_event
from madoguchi.shared.runtime import NOTHING, Context, Outcome, Stage
from madoguchi.shared.runtime.consumer import StageConsumer
from madoguchi.shared.runtime.outcome import derived_event_id
from madoguchi.shared.streams import AUDIT, CONVERSATION, DEADLETTER, ConsumerSpec, consumer_for
from madoguchi.testing.events import origin_for


def _transcribed(session: str = "s1", text: str = "住民票をください", n: int = 1,
                 ) -> UtteranceTranscribed:
    return UtteranceTranscribed(
        session_id=session, utterance_id=f"u{n}", speaker="visitor", status="text", text=text,
        language="ja", audio_duration_ms=1200, model_id="whisper-base",
        origin=origin_for(session, f"u{n}"),
    )


def _consumer(nc: Client, handle, *, max_deliver: int = 3, concurrency: int = 1,  # type: ignore[no-untyped-def]
              exhausted=None, ack_wait: float = 30.0) -> StageConsumer:
    spec = ConsumerSpec(service="translation", stream=CONVERSATION,
                        filter_subjects=consumer_for("translation").filter_subjects,
                        ack_wait=timedelta(seconds=ack_wait), max_deliver=max_deliver)
    stage = Stage(UtteranceTranscribed, handle, concurrency=concurrency, exhausted=exhausted)
    return StageConsumer(nc, "translation", spec, stage, retry_delay=0.05)


async def _drive(js: JetStreamContext, consumer: StageConsumer, rounds: int) -> None:
    spec = consumer_for("translation")
    sub = await js.pull_subscribe_bind(spec.durable, spec.stream)
    for _ in range(rounds):
        try:
            msgs = await sub.fetch(10, timeout=1.5)
        except TimeoutError:
            continue
        for msg in msgs:
            await consumer.process(msg)


async def _messages(js: JetStreamContext, stream: str, subject: str | None = None) -> list[bytes]:
    info = await js.stream_info(stream)
    out = []
    if info.state.messages == 0:
        return out
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream, seq)
        if subject is None or msg.subject.startswith(subject):
            out.append(msg.data)
    return out


async def _dead_letters(js: JetStreamContext) -> list[DeadLetter]:
    return [DeadLetter.model_validate_json(m) for m in await _messages(js, DEADLETTER)]


async def _eventually(done: Callable[[], bool], seconds: float) -> None:
    """Wait until `done()` holds or `seconds` passed; the caller's assertion says which."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def _settled(js: JetStreamContext) -> None:
    for _ in range(100):
        info = await js.consumer_info(CONVERSATION, "translation")
        if info.num_ack_pending == 0 and info.num_pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"consumer not settled: {info}")


async def test_publish_sets_msg_id_and_jetstream_dedupes(jetstream: JetStreamContext) -> None:
    event = SessionOpened(session_id="s1", counter_id="c1", device_id="d1", staff_id="st1")
    first = await publish_event(jetstream, event)
    again = await publish_event(jetstream, event)
    assert again.duplicate is True and first.duplicate is not True
    stored = await jetstream.get_msg(CONVERSATION, first.seq)
    assert stored.headers is not None and stored.headers[MSG_ID_HEADER] == event.event_id
    info = await jetstream.stream_info(CONVERSATION)
    assert info.state.messages == 1


async def test_trace_context_travels_in_headers(jetstream: JetStreamContext) -> None:
    provider = TracerProvider()
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("upload") as span:
        ack = await publish_event(jetstream, _transcribed())
        trace_id = span.get_span_context().trace_id
    stored = await jetstream.get_msg(CONVERSATION, ack.seq)
    assert stored.headers is not None
    assert stored.headers["traceparent"].split("-")[1] == f"{trace_id:032x}"
    assert trace.get_current_span().get_span_context().is_valid is False


def _audit_for(event: UtteranceTranscribed, action: str) -> AuditEvent:
    return AuditEvent(session_id=event.session_id, kind="translation", action=action,
                      outcome="success", actor=AuditActor.of("translation", event.origin))


async def test_outputs_are_published_with_derived_ids_then_acked(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        return Outcome.publish(_audit_for(event, "one"), _audit_for(event, "two"),
                               _audit_for(event, "two"))

    consumer = _consumer(nats_client, handle)
    source = _transcribed()
    await publish_event(jetstream, source)
    await _drive(jetstream, consumer, 1)
    stored = [AuditEvent.model_validate_json(m) for m in await _messages(jetstream, AUDIT)]
    assert [e.action for e in stored] == ["one", "two", "two"]
    ids = [e.event_id for e in stored]
    assert len(set(ids)) == 3
    assert ids[0] == derived_event_id(source.event_id, stored[0].derivation_key())
    await _settled(jetstream)
    # The same input again (a redelivery): the same ids, so JetStream keeps one copy of each.
    await consumer.process(await _redelivered(jetstream, source))
    assert len(await _messages(jetstream, AUDIT)) == 3


async def _redelivered(js: JetStreamContext, event: UtteranceTranscribed):  # type: ignore[no-untyped-def]
    await js.publish(event.subject(), event.model_dump_json().encode(),
                     headers={MSG_ID_HEADER: "again"})
    sub = await js.pull_subscribe_bind("translation", CONVERSATION)
    [msg] = await sub.fetch(1, timeout=5)
    return msg


async def test_invalid_event_is_dead_lettered_with_reason_not_content(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        raise AssertionError("must not be called")

    consumer = _consumer(nats_client, handle)
    bad = json.dumps({"session_id": "s9", "text": "私の個人番号は123456789018"}).encode()
    await jetstream.publish("mg.v1.utterance.transcribed.s9", bad)
    await _drive(jetstream, consumer, 1)
    [letter] = await _dead_letters(jetstream)
    assert letter.reason_code == "invalid_event"
    assert letter.session_id == "s9"
    assert "123456789018" not in letter.reason
    assert base64.b64decode(letter.payload_b64) == bad  # kept for the operator, nothing lost


async def test_failures_retry_then_give_up_with_the_stage_events(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    attempts = 0

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("model crashed on 住民票をください")

    def exhausted(event: UtteranceTranscribed, context: Context) -> Outcome:
        return Outcome.publish(UtteranceFailed.of(event, "translation", "processing_failed"))

    consumer = _consumer(nats_client, handle, exhausted=exhausted)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 6)
    assert attempts == 3
    [letter] = await _dead_letters(jetstream)
    assert (letter.reason_code, letter.reason, letter.deliveries) == ("max_deliver",
                                                                      "RuntimeError", 3)
    [failed] = await _messages(jetstream, CONVERSATION, "mg.v1.utterance.failed")
    assert UtteranceFailed.model_validate_json(failed).reason_code == "processing_failed"


async def test_refusals_publish_their_events_and_dead_letter_only_when_asked(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        failed = UtteranceFailed.of(event, "translation", "unsupported_pair")
        return Outcome.refuse("unsupported_pair", "no model for xx->ja", failed,
                              dead_letter=event.utterance_id == "u1")

    consumer = _consumer(nats_client, handle, max_deliver=5)
    await publish_event(jetstream, _transcribed(n=1))
    await publish_event(jetstream, _transcribed(n=2))
    await _drive(jetstream, consumer, 2)
    [letter] = await _dead_letters(jetstream)
    assert (letter.reason_code, letter.deliveries) == ("unsupported_pair", 1)
    assert len(await _messages(jetstream, CONVERSATION, "mg.v1.utterance.failed")) == 2
    await _settled(jetstream)


async def test_outages_wait_instead_of_dead_lettering(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    attempts = 0

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        nonlocal attempts
        attempts += 1
        if attempts <= 4:  # more failures than max_deliver allows for ordinary errors
            raise DependencyUnavailable("database down")
        return NOTHING

    consumer = _consumer(nats_client, handle, max_deliver=2)
    # The server must not cut the retries short either (audit's consumer is configured so).
    info = await jetstream.consumer_info("CONVERSATION", "translation")
    config: ConsumerConfig = info.config
    config.max_deliver = -1
    await jetstream.add_consumer("CONVERSATION", config)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 8)
    assert attempts == 5
    assert await _dead_letters(jetstream) == []
    await _settled(jetstream)


# --- the pull loop --------------------------------------------------------------------------


async def test_a_lone_event_is_handled_at_once_not_when_a_batch_fills(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    seen: dict[str, float] = {}

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        seen[event.utterance_id] = time.perf_counter()
        return NOTHING

    consumer = _consumer(nats_client, handle, concurrency=16)
    await consumer.start()
    try:
        await asyncio.sleep(0.2)  # the loop's pull request is waiting on the server
        latencies = []
        for n in range(5):
            sent = time.perf_counter()
            await publish_event(jetstream, _transcribed(n=n))
            while f"u{n}" not in seen:
                await asyncio.sleep(0.002)
            latencies.append(seen[f"u{n}"] - sent)
        # A batch of 16 with a 1 s fetch timeout took ~1 s here; one message must not wait.
        assert max(latencies) < 0.25, latencies
    finally:
        await consumer.drain(5)
    await _settled(jetstream)


async def test_a_slow_event_does_not_hold_back_the_others(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    release = asyncio.Event()
    done: list[str] = []

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        if event.utterance_id == "u0":
            await release.wait()
        done.append(event.utterance_id)
        return NOTHING

    consumer = _consumer(nats_client, handle, concurrency=4)
    await consumer.start()
    try:
        for n in range(10):
            await publish_event(jetstream, _transcribed(n=n))
        await _eventually(lambda: len(done) == 9, 4.0)
        assert sorted(done) == sorted(f"u{n}" for n in range(1, 10))
        release.set()
        await _eventually(lambda: len(done) == 10, 2.0)
        assert "u0" in done
    finally:
        await consumer.drain(5)
    await _settled(jetstream)


async def test_no_more_events_in_hand_than_the_stage_concurrency(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    in_hand = 0
    most = 0
    handled = 0

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        nonlocal in_hand, most, handled
        in_hand += 1
        most = max(most, in_hand)
        await asyncio.sleep(0.02)
        in_hand -= 1
        handled += 1
        return NOTHING

    consumer = _consumer(nats_client, handle, concurrency=3)
    for n in range(30):
        await publish_event(jetstream, _transcribed(n=n))
    await consumer.start()
    try:
        await _eventually(lambda: handled == 30, 6.0)
    finally:
        await consumer.drain(5)
    assert handled == 30 and most == 3


async def test_heartbeats_keep_a_long_handler_from_being_redelivered(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    calls = 0

    async def handle(event: UtteranceTranscribed, context: Context) -> Outcome:
        nonlocal calls
        calls += 1
        await asyncio.sleep(4.0)  # twice the ack wait
        return NOTHING

    info = await jetstream.consumer_info(CONVERSATION, "translation")
    config: ConsumerConfig = info.config
    config.ack_wait = 2.0
    await jetstream.add_consumer(CONVERSATION, config)
    consumer = _consumer(nats_client, handle, concurrency=2, ack_wait=2.0)
    await publish_event(jetstream, _transcribed())
    await consumer.start()
    try:
        for _ in range(300):
            info = await jetstream.consumer_info(CONVERSATION, "translation")
            if calls and info.num_ack_pending == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        await consumer.drain(5)
    assert calls == 1
