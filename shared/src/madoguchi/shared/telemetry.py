"""Tracing and metrics set-up for every service (OpenTelemetry).

Traces: one trace per utterance — ingest starts it, the W3C context travels in NATS headers
(`madoguchi.shared.tracing`), every consumer continues it. Exported over OTLP/HTTP when
`MADOGUCHI_<SERVICE>_OTEL__ENDPOINT` is set. Span attributes carry ids, sizes, durations and
model ids — never text or audio.

Metrics: OpenTelemetry instruments read by a Prometheus reader, served on `/metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBasedTraceIdRatio
from pydantic import BaseModel, Field

_configured = False


class OtelSettings(BaseModel):
    endpoint: str | None = Field(
        default=None, description="OTLP/HTTP collector base URL, e.g. http://otel-collector:4318"
    )
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


def configure_telemetry(
    service: str, settings: OtelSettings, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the global tracer and meter providers once per process.

    A second call (a service that times its model load before `runtime.run`) returns the
    provider already installed, adding `extra_processor` to it.
    """
    global _configured
    current = trace.get_tracer_provider()
    if _configured and isinstance(current, TracerProvider):
        if extra_processor is not None:
            current.add_span_processor(extra_processor)
        return current
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"madoguchi-{service}",
                                  "service.namespace": "madoguchi"}),
        sampler=ParentBasedTraceIdRatio(settings.sample_ratio),
    )
    if settings.endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        from madoguchi.shared.span_scrubbing import ScrubbingSpanExporter

        # Scrubbed on the way out: a recorded exception message must not reach the collector.
        provider.add_span_processor(BatchSpanProcessor(ScrubbingSpanExporter(
            OTLPSpanExporter(endpoint=f"{settings.endpoint}/v1/traces"))))
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    if not _configured:
        trace.set_tracer_provider(provider)
        _configure_metrics(service)
        _configured = True
    return provider


def _configure_metrics(service: str) -> None:
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from opentelemetry.sdk.metrics import MeterProvider

    reader = PrometheusMetricReader()
    metrics.set_meter_provider(MeterProvider(
        resource=Resource.create({"service.name": f"madoguchi-{service}"}),
        metric_readers=[reader],
    ))


def prometheus_text() -> bytes:
    from prometheus_client import REGISTRY, generate_latest

    return generate_latest(REGISTRY)


@dataclass(frozen=True)
class PipelineInstruments:
    """The instruments every stage shares (names are part of the operators' dashboards)."""

    processed: metrics.Counter
    duration: metrics.Histogram
    dead_letters: metrics.Counter


def pipeline_instruments() -> PipelineInstruments:
    meter = metrics.get_meter("madoguchi.pipeline")
    return PipelineInstruments(
        processed=meter.create_counter(
            "madoguchi_events_processed", description="Events handled, by service and outcome"),
        duration=meter.create_histogram(
            "madoguchi_event_processing_seconds", unit="s",
            description="Handler time per event, by service"),
        dead_letters=meter.create_counter(
            "madoguchi_dead_letters", description="Events dead-lettered, by service and reason"),
    )


@dataclass(frozen=True)
class StageInstruments:
    """Instruments owned by one stage each (names are part of the operators' dashboards)."""

    utterance_latency: metrics.Histogram
    uploads_rejected: metrics.Counter
    model_load: metrics.Histogram


def stage_instruments() -> StageInstruments:
    meter = metrics.get_meter("madoguchi.stages")
    return StageInstruments(
        utterance_latency=meter.create_histogram(
            "madoguchi_utterance_latency_seconds", unit="s",
            description="Upload received at ingest -> translation published, per utterance"),
        uploads_rejected=meter.create_counter(
            "madoguchi_uploads_rejected", description="Uploads refused by ingest, by reason_code"),
        model_load=meter.create_histogram(
            "madoguchi_model_load_seconds", unit="s",
            description="Time to load a model at start-up, by service and model_id"),
    )
