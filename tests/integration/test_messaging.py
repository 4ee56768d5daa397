"""Publish and consume helpers against a real JetStream server."""

from __future__ import annotations

import asyncio
import base64
import json

from nats.js.client import JetStreamContext
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from madoguchi.shared.contracts import DeadLetter, SessionOpened, UtteranceTranscribed
from madoguchi.shared.messaging import (
    MSG_ID_HEADER,
    Delivery,
    EventConsumer,
    PermanentFailure,
    publish_event,
)
from madoguchi.shared.streams import CONVERSATION, DEADLETTER, consumer_for


def _transcribed(session: str = "s1", text: str = "住民票をください") -> UtteranceTranscribed:
    return UtteranceTranscribed(
        session_id=session, utterance_id="u1", speaker="visitor", status="text", text=text,
        language="ja", audio_duration_ms=1200, model_id="whisper-base",
    )


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


async def _drive(js: JetStreamContext, consumer: EventConsumer, rounds: int) -> None:
    spec = consumer_for("translation")
    sub = await js.pull_subscribe_bind(spec.durable, spec.stream)
    for _ in range(rounds):
        try:
            msgs = await sub.fetch(10, timeout=1.5)
        except TimeoutError:
            continue
        for msg in msgs:
            await consumer(msg)


async def _dead_letters(js: JetStreamContext) -> list[DeadLetter]:
    info = await js.stream_info(DEADLETTER)
    letters = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        if info.state.messages == 0:
            break
        letters.append(DeadLetter.model_validate_json((await js.get_msg(DEADLETTER, seq)).data))
    return letters


async def test_consumer_acks_after_handler(jetstream: JetStreamContext) -> None:
    seen: list[Delivery[UtteranceTranscribed]] = []

    async def handler(delivery: Delivery[UtteranceTranscribed]) -> None:
        seen.append(delivery)

    consumer = EventConsumer(jetstream, service="translation", event_type=UtteranceTranscribed,
                             handler=handler, max_deliver=3)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 1)
    assert [d.event.text for d in seen] == ["住民票をください"]
    info = await jetstream.consumer_info(CONVERSATION, "translation")
    assert info.num_ack_pending == 0 and info.num_pending == 0
    assert await _dead_letters(jetstream) == []


async def test_invalid_event_is_dead_lettered_with_reason_not_content(
    jetstream: JetStreamContext,
) -> None:
    async def handler(delivery: Delivery[UtteranceTranscribed]) -> None:
        raise AssertionError("must not be called")

    consumer = EventConsumer(jetstream, service="translation", event_type=UtteranceTranscribed,
                             handler=handler, max_deliver=3)
    bad = json.dumps({"session_id": "s9", "text": "私の個人番号は123456789018"}).encode()
    await jetstream.publish("mg.v1.utterance.transcribed.s9", bad)
    await _drive(jetstream, consumer, 1)
    [letter] = await _dead_letters(jetstream)
    assert letter.reason_code == "invalid_event"
    assert letter.session_id == "s9"
    assert "123456789018" not in letter.reason
    assert base64.b64decode(letter.payload_b64) == bad  # kept for the operator, nothing lost


async def test_failures_retry_then_dead_letter(jetstream: JetStreamContext) -> None:
    attempts = 0

    async def handler(delivery: Delivery[UtteranceTranscribed]) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("model crashed on 住民票をください")

    consumer = EventConsumer(jetstream, service="translation", event_type=UtteranceTranscribed,
                             handler=handler, max_deliver=3, retry_delay=0.05)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 6)
    assert attempts == 3
    [letter] = await _dead_letters(jetstream)
    assert (letter.reason_code, letter.reason, letter.deliveries) == ("max_deliver",
                                                                      "RuntimeError", 3)


async def test_permanent_failure_dead_letters_at_once(jetstream: JetStreamContext) -> None:
    async def handler(delivery: Delivery[UtteranceTranscribed]) -> None:
        raise PermanentFailure("unsupported_pair", "no model for xx->ja")

    consumer = EventConsumer(jetstream, service="translation", event_type=UtteranceTranscribed,
                             handler=handler, max_deliver=5)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 2)
    [letter] = await _dead_letters(jetstream)
    assert (letter.reason_code, letter.deliveries) == ("unsupported_pair", 1)
    await asyncio.sleep(0)


async def test_outages_wait_instead_of_dead_lettering(jetstream: JetStreamContext) -> None:
    from madoguchi.shared.messaging import DependencyUnavailable

    attempts = 0

    async def handler(delivery: Delivery[UtteranceTranscribed]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 4:  # more failures than max_deliver allows for ordinary errors
            raise DependencyUnavailable("database down")

    consumer = EventConsumer(jetstream, service="translation", event_type=UtteranceTranscribed,
                             handler=handler, max_deliver=2, retry_delay=0.01)
    # The server must not cut the retries short either (audit's consumer is configured so).
    from nats.js.api import ConsumerConfig

    info = await jetstream.consumer_info("CONVERSATION", "translation")
    config: ConsumerConfig = info.config
    config.max_deliver = -1
    await jetstream.add_consumer("CONVERSATION", config)
    await publish_event(jetstream, _transcribed())
    await _drive(jetstream, consumer, 8)
    assert attempts == 5
    assert await _dead_letters(jetstream) == []
    info = await jetstream.consumer_info("CONVERSATION", "translation")
    assert info.num_ack_pending == 0 and info.num_pending == 0
