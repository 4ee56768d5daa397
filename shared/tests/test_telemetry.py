"""Metrics and spans from the shared consumer, read back the way operators read them."""

from __future__ import annotations

from nats.aio.client import Client
from nats.js.client import JetStreamContext
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from madoguchi.shared.contracts import TextSubmitted
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.runtime import NOTHING, Context, Outcome, Stage
from madoguchi.shared.runtime.consumer import StageConsumer
from madoguchi.shared.streams import consumer_for
from madoguchi.shared.telemetry import OtelSettings, configure_telemetry, prometheus_text
from madoguchi.testing.events import origin_for

PLANTED = "山田太郎 090-1234-5678"


async def test_consumer_span_continues_the_publisher_trace_and_counts(
    nats_client: Client, jetstream: JetStreamContext,
) -> None:
    exporter = InMemorySpanExporter()
    provider = configure_telemetry("translation", OtelSettings(),
                                   extra_processor=SimpleSpanProcessor(exporter))
    if trace.get_tracer_provider() is not provider:  # another test configured it first
        trace.get_tracer_provider().add_span_processor(  # type: ignore[attr-defined]
            SimpleSpanProcessor(exporter))
    tracer = trace.get_tracer("test")

    async def handler(event: TextSubmitted, context: Context) -> Outcome:
        return NOTHING

    consumer = StageConsumer(nats_client, "translation", consumer_for("translation"),
                             Stage(TextSubmitted, handler))
    with tracer.start_as_current_span("upload") as upload:
        await publish_event(jetstream, TextSubmitted(
            session_id="s1", utterance_id="u1", speaker="visitor", language="ja", text=PLANTED,
            origin=origin_for("s1", "u1")))
    spec = consumer_for("translation")
    sub = await jetstream.pull_subscribe_bind(spec.durable, spec.stream)
    for msg in await sub.fetch(1, timeout=5):
        await consumer.process(msg)

    spans = {s.name: s for s in exporter.get_finished_spans()}
    process = spans["translation process"]
    assert process.context.trace_id == upload.get_span_context().trace_id
    assert process.parent is not None
    assert process.parent.span_id == upload.get_span_context().span_id
    for span in exporter.get_finished_spans():
        assert PLANTED not in str(dict(span.attributes or {}))

    text = prometheus_text().decode()
    ok_line = [line for line in text.splitlines()
               if line.startswith("madoguchi_events_processed_total")
               and 'outcome="ok"' in line and 'service="translation"' in line]
    assert ok_line and float(ok_line[0].rsplit(" ", 1)[1]) >= 1
    assert "madoguchi_event_processing_seconds_bucket" in text
    assert PLANTED not in text

