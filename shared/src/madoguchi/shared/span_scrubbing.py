"""Scrub spans on their way out of the process (defence in depth for traces).

Code sets ids, sizes, languages and durations as span attributes, never text. What can still
slip through: a library attribute (`url.query`), an exception recorded on a span (its message
may echo the input), a status description. Every exported span passes through
`ScrubbingSpanExporter`, which applies the shared scrubber to attribute values, event
attributes and the status description, so an exporter never sends what logs would mask.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Status

from madoguchi.shared.scrubber import scrub, scrub_attributes


def scrubbed_span(span: ReadableSpan) -> ReadableSpan:
    events = [Event(event.name, scrub_attributes(dict(event.attributes or {})), event.timestamp)
              for event in span.events]
    status = span.status
    if status.description:
        status = Status(status.status_code, scrub(status.description))
    return ReadableSpan(
        name=scrub(span.name), context=span.context, parent=span.parent, resource=span.resource,
        attributes=scrub_attributes(dict(span.attributes or {})), events=events,
        links=span.links, kind=span.kind, status=status, start_time=span.start_time,
        end_time=span.end_time, instrumentation_scope=span.instrumentation_scope,
    )


class ScrubbingSpanExporter(SpanExporter):
    """Wraps another exporter; hands it scrubbed copies of the spans."""

    def __init__(self, inner: SpanExporter) -> None:
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([scrubbed_span(span) for span in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
