"""One SERVER span per HTTP request (pure ASGI, no instrumentation package).

Ingest is the edge where an utterance's trace begins: the span started here is the parent of
everything published while handling the request, so `publish_event` carries it into NATS.
A client's own `traceparent` is ignored on purpose: a tablet must not choose our trace ids or
force sampling. Attributes are the method, the route template and the status — never the
query string or the body.
"""

from __future__ import annotations

from opentelemetry import context as otel_context
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

tracer = trace.get_tracer("madoguchi.http")
UNTRACED = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestSpans:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        token = otel_context.attach(otel_context.Context())  # a fresh root: see module doc
        try:
            with tracer.start_as_current_span(
                f"{method} request", kind=trace.SpanKind.SERVER,
                attributes={"http.request.method": method},
            ) as span:
                async def send_with_status(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        span.set_attribute("http.response.status_code", message["status"])
                    await send(message)

                try:
                    await self.app(scope, receive, send_with_status)
                finally:
                    route = getattr(scope.get("route"), "path", None)
                    if route:
                        span.set_attribute("http.route", route)
                        span.update_name(f"{method} {route}")
        finally:
            otel_context.detach(token)
