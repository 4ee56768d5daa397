"""The process skeleton shared by every service.

A service: connects to NATS as its own user (TLS), checks that its durable consumer exists
(declared by `madoguchi streams apply`; services may not create topology), consumes through
FastStream with explicit acknowledgement, serves health endpoints, and stops cleanly on
SIGTERM/SIGINT — finishing the message in hand, never acking what it did not finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import uvicorn
from faststream import AckPolicy as FastStreamAck
from faststream.nats import JStream, NatsBroker, NatsMessage, PullSub
from nats.aio.client import Client
from nats.js.client import JetStreamContext
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from madoguchi.shared.messaging import EventConsumer, Handler
from madoguchi.shared.natsconn import connect, faststream_broker, inbox_prefix
from madoguchi.shared.runtime.health import health_routes
from madoguchi.shared.runtime.logs import configure_logging
from madoguchi.shared.settings import InsecureSettingsError, ServiceSettings
from madoguchi.shared.streams import consumer_for
from madoguchi.shared.telemetry import configure_telemetry

log = logging.getLogger(__name__)

CONSUMER_LAG: dict[tuple[str, str], dict[str, int]] = {}
"""(service, durable) -> latest backlog figures, read by the gauges below."""


def _lag_gauge(figure: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def callback(_: CallbackOptions) -> Iterable[Observation]:
        return [Observation(values[figure], {"service": service, "consumer": durable})
                for (service, durable), values in CONSUMER_LAG.items()]
    return callback


_meter = metrics.get_meter("madoguchi.consumers")
_meter.create_observable_gauge(
    "madoguchi_consumer_pending", [_lag_gauge("pending")],
    description="Messages not yet delivered to the service's durable consumer")
_meter.create_observable_gauge(
    "madoguchi_consumer_ack_pending", [_lag_gauge("ack_pending")],
    description="Messages delivered to the service but not yet acknowledged")


class ServiceRuntime:
    def __init__(self, name: str, settings: ServiceSettings) -> None:
        self.name = name
        self.settings = settings
        self.nc: Client | None = None
        self.broker: NatsBroker | None = None
        self._consumers: list[tuple[Any, Handler[Any]]] = []
        self._consumer_bound = False
        self._stopping = asyncio.Event()
        self.http_port: int | None = None
        self._extra_ready: dict[str, Callable[[], bool]] = {}
        self._lag_task: asyncio.Task[None] | None = None

    @property
    def js(self) -> JetStreamContext:
        assert self.nc is not None, "runtime not started"
        return self.nc.jetstream()

    def consume(self, event_type: Any, handler: Handler[Any]) -> None:
        """Register the handler for this service's durable consumer (one per service)."""
        self._consumers.append((event_type, handler))

    def add_readiness_check(self, name: str, check: Callable[[], bool]) -> None:
        self._extra_ready[name] = check

    def readiness(self) -> dict[str, bool]:
        checks = {
            "nats": self.nc is not None and self.nc.is_connected,
            "consumer": self._consumer_bound or not self._has_consumer(),
        }
        return checks | {name: check() for name, check in self._extra_ready.items()}

    def _has_consumer(self) -> bool:
        try:
            consumer_for(self.name)
        except KeyError:
            return False
        return True

    async def start(self) -> None:
        self.nc = await connect(self.settings.nats, self.name)
        if self._has_consumer():
            spec = consumer_for(self.name)
            # Bind only: a missing consumer means `madoguchi streams apply` has not run.
            await self.js.consumer_info(spec.stream, spec.durable)
            if self._consumers:
                await self._start_broker()
            self._consumer_bound = True
            self._lag_task = asyncio.create_task(self._watch_lag(spec.stream, spec.durable))
        log.info("service started", extra={"service": self.name})

    async def _watch_lag(self, stream: str, durable: str, every: float = 5.0) -> None:
        """Keep this durable's backlog for the `madoguchi_consumer_*` gauges (what KEDA scales
        on, seen from inside)."""
        key = (self.name, durable)
        while True:
            try:
                info = await self.js.consumer_info(stream, durable)
                CONSUMER_LAG[key] = {"pending": info.num_pending or 0,
                                     "ack_pending": info.num_ack_pending}
            except Exception as exc:  # a NATS hiccup must not stop the loop
                log.debug("consumer info failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(every)

    async def _start_broker(self) -> None:
        spec = consumer_for(self.name)
        self.broker = faststream_broker(self.settings.nats, self.name)
        if len(self._consumers) != 1:
            raise ValueError("one consumer handler per service: dispatch inside it by event type")
        event_type, handler = self._consumers[0]
        consumer: EventConsumer[Any] = EventConsumer(
            self.js, service=self.name, event_type=event_type, handler=handler,
            max_deliver=spec.max_deliver,
        )

        async def on_message(msg: NatsMessage) -> None:
            await consumer(msg.raw_message)

        self.broker.subscriber(
            spec.filter_subjects[0],
            stream=JStream(spec.stream, declare=False),
            durable=spec.durable,
            pull_sub=PullSub(batch_size=min(spec.max_ack_pending, 16), timeout=1.0),
            ack_policy=FastStreamAck.MANUAL,  # EventConsumer acks after the result is published
            # Pulled messages arrive on this inbox; our user may only subscribe to its own.
            inbox_prefix=f"{inbox_prefix(self.name)}.".encode(),
        )(on_message)
        await self.broker.start()

    async def stop(self) -> None:
        if self._lag_task is not None:
            self._lag_task.cancel()
            CONSUMER_LAG.pop((self.name, consumer_for(self.name).durable), None)
        if self.broker is not None:
            await self.broker.stop()
        if self.nc is not None and not self.nc.is_closed:
            await self.nc.drain()
        log.info("service stopped", extra={"service": self.name})

    def request_stop(self) -> None:
        self._stopping.set()

    async def serve(self, extra_routes: list[BaseRoute] | None = None,
                    app: Starlette | None = None) -> None:
        """Start, serve HTTP until SIGTERM/SIGINT, stop."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        await self.start()
        routes = health_routes(self.name, self.readiness)
        if app is None:
            app = Starlette(routes=[*routes, *(extra_routes or [])])
        else:
            app.router.routes[:0] = routes
        config = uvicorn.Config(
            app, host=self.settings.http.host, port=self.settings.http.port,
            log_config=None, access_log=False, lifespan="off",
        )
        server = uvicorn.Server(config)
        # Our own SIGTERM handler owns shutdown; uvicorn's capture_signals() would swallow it.
        http_task = asyncio.create_task(server._serve())
        while not server.started and not http_task.done():
            await asyncio.sleep(0.01)
        if http_task.done():
            await self.stop()
            http_task.result()
        self.http_port = server.servers[0].sockets[0].getsockname()[1]
        log.info("http listening", extra={"service": self.name,
                                          "url": f"http://{self.settings.http.host}:{self.http_port}"})
        await self._stopping.wait()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await http_task
        await self.stop()


def run_service(
    name: str, settings: ServiceSettings,
    setup: Callable[[ServiceRuntime], Awaitable[None] | None] | None = None,
) -> None:
    """Entry point body for `python -m madoguchi.<service>`."""
    configure_logging(name, settings.log_level, settings.log_format)
    configure_telemetry(name, settings.otel)
    try:
        settings.require_secure()
    except InsecureSettingsError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None

    async def main() -> None:
        runtime = ServiceRuntime(name, settings)
        if setup is not None:
            result = setup(runtime)
            if asyncio.iscoroutine(result):
                await result
        await runtime.serve()

    asyncio.run(main())
