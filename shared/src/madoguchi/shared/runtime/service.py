"""The process skeleton shared by every service, and `run()`, the one way each one starts.

A service: connects to NATS as its own user (TLS), binds its durable consumer (declared by
`madoguchi streams apply`; services may not create topology), consumes through
`StageConsumer`, serves health, readiness and metrics (plus its own app, if any), and on
SIGTERM/SIGINT stops pulling, lets the events in hand finish, and closes — never acknowledging
what it did not finish.

    def setup(runtime: ServiceRuntime) -> None:      # before connecting: load models here
        runtime.consume(Stage(UtteranceReceived, handler.handle, concurrency=2))
    run("recognition", RecognitionSettings(), setup)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import uvicorn
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.client import JetStreamContext
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from starlette.applications import Starlette

from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime.closed import ClosedSessions
from madoguchi.shared.runtime.consumer import StageConsumer
from madoguchi.shared.runtime.health import health_routes
from madoguchi.shared.runtime.logs import adopt_library_loggers, configure_logging
from madoguchi.shared.runtime.outcome import Stage
from madoguchi.shared.settings import InsecureSettingsError, ServiceSettings
from madoguchi.shared.streams import ConsumerSpec, consumer_for
from madoguchi.shared.telemetry import configure_telemetry

log = logging.getLogger(__name__)
Hook = Callable[[], Coroutine[Any, Any, None]]

CONSUMER_LAG: dict[tuple[str, str], dict[str, int]] = {}
"""(service, durable) -> latest backlog figures, read by the gauges below."""


class StartupError(RuntimeError):
    """A configuration the service must refuse to start with; the message says what to do."""


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
    def __init__(self, name: str, settings: ServiceSettings, *, drain_grace_s: float = 20.0,
                 retry_delay: float = 1.0) -> None:
        self.name = name
        self.settings = settings
        self.nc: Client | None = None
        self.http_port: int | None = None
        self._stage: Stage[Any] | None = None
        self._consumer: StageConsumer | None = None
        self._app: Starlette | None = None
        self._on_start: list[Hook] = []
        self._on_stop: list[Hook] = []
        self._background: list[Hook] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._extra_ready: dict[str, Callable[[], bool]] = {}
        self._details: dict[str, Callable[[], str]] = {}
        self._stopping = asyncio.Event()
        self._drain_grace_s = drain_grace_s
        self._retry_delay = retry_delay
        self.closed_sessions = ClosedSessions()
        """Sessions closed (from the tombstone watch), for stages with `drop_after_close`."""

    # --- what a service declares (in its setup, before start) ---------------------------

    def consume(self, stage: Stage[Any]) -> None:
        """The handler for this service's durable consumer (one per service)."""
        if self._stage is not None:
            raise ValueError("one stage per service: dispatch inside it by event type")
        self._stage = stage

    def serve_app(self, app: Starlette) -> None:
        """The service's own HTTP app; health, readiness and metrics are added to it."""
        self._app = app

    def on_start(self, hook: Hook) -> None:
        """Runs once NATS is connected, before consuming and serving HTTP."""
        self._on_start.append(hook)

    def on_stop(self, hook: Hook) -> None:
        """Runs after consuming stopped, before NATS closes (in reverse order)."""
        self._on_stop.append(hook)

    def background(self, loop: Hook) -> None:
        """A long-running task (sweeper, checkpoints); cancelled at stop."""
        self._background.append(loop)

    def add_readiness_check(self, name: str, check: Callable[[], bool]) -> None:
        self._extra_ready[name] = check

    def add_readiness_detail(self, name: str, describe: Callable[[], str]) -> None:
        """A line /readyz shows without deciding readiness (a degraded but serving state)."""
        self._details[name] = describe

    def details(self) -> dict[str, str]:
        return {name: describe() for name, describe in self._details.items()}

    # --- state ----------------------------------------------------------------------------

    @property
    def js(self) -> JetStreamContext:
        assert self.nc is not None, "runtime not started"
        return self.nc.jetstream()

    def _spec(self) -> ConsumerSpec | None:
        try:
            return consumer_for(self.name)
        except KeyError:
            return None

    def readiness(self) -> dict[str, bool]:
        checks = {
            "nats": self.nc is not None and self.nc.is_connected,
            "consumer": self._consumer is not None or self._stage is None,
        }
        return checks | {name: check() for name, check in self._extra_ready.items()}

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self.nc = await connect(self.settings.nats, self.name)
        spec = self._spec()
        if spec is not None:
            # Bind only: a missing consumer means `madoguchi streams apply` has not run.
            await self.js.consumer_info(spec.stream, spec.durable)
            self._tasks.append(asyncio.create_task(self._watch_lag(spec)))
        elif self._stage is not None:
            raise StartupError(f"{self.name} has no durable consumer to bind its stage to")
        for hook in self._on_start:
            await hook()
        self._tasks += [asyncio.create_task(loop()) for loop in self._background]
        if self._stage is not None and spec is not None:
            if self._stage.drop_after_close:
                await self.closed_sessions.watch(self.js)  # before the first event
            consumer = StageConsumer(self.nc, self.name, spec, self._stage,
                                     retry_delay=self._retry_delay, closed=self.closed_sessions)
            await consumer.start()
            self._consumer = consumer
        log.info("service started", extra={"service": self.name})

    async def _watch_lag(self, spec: ConsumerSpec, every: float = 5.0) -> None:
        """Keep this durable's backlog for the `madoguchi_consumer_*` gauges (what KEDA scales
        on, seen from inside)."""
        key = (self.name, spec.durable)
        try:
            while True:
                try:
                    info = await self.js.consumer_info(spec.stream, spec.durable)
                    CONSUMER_LAG[key] = {"pending": info.num_pending or 0,
                                         "ack_pending": info.num_ack_pending}
                except Exception as exc:  # a NATS hiccup must not stop the loop
                    log.debug("consumer info failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(every)
        finally:
            CONSUMER_LAG.pop(key, None)

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.drain(self._drain_grace_s)
            self._consumer = None
        await self.closed_sessions.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for hook in reversed(self._on_stop):
            try:
                await hook()
            except Exception as exc:  # one failing hook must not skip closing NATS
                log.warning("stop hook failed", extra={"error": type(exc).__name__})
        if self.nc is not None and not self.nc.is_closed:
            try:
                await self.nc.drain()
            except (NatsError, TimeoutError) as exc:
                # NATS is gone or reconnecting (it may have stopped first): nothing is left to
                # drain. Expected at a stack's shutdown, so a line and not a traceback.
                log.warning("NATS unavailable at stop: closed without draining",
                            extra={"error": type(exc).__name__})
                with contextlib.suppress(Exception):
                    await self.nc.close()
        log.info("service stopped", extra={"service": self.name})

    def request_stop(self) -> None:
        self._stopping.set()

    async def serve(self) -> None:
        """Start, serve HTTP until SIGTERM/SIGINT (or `request_stop()`), stop."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)
        try:
            await self._serve()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    async def _serve(self) -> None:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        app = self._app or Starlette()
        app.router.routes[:0] = health_routes(self.name, self.readiness, self.details)
        # Sign-in limits key on the client address: X-Forwarded-For only from the configured
        # proxies. uvicorn's default trusts it from localhost, where any local process (or a
        # mesh sidecar passing the client's own header on) could pick its own address.
        proxies = self.settings.http.forwarded_allow_ips
        config = uvicorn.Config(
            app, host=self.settings.http.host, port=self.settings.http.port,
            log_config=None, access_log=False, lifespan="off",
            proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None,
        )
        server = uvicorn.Server(config)
        # startup()/shutdown() rather than serve(): our signal handlers own the shutdown order
        # (stop pulling, finish the events in hand, then close), uvicorn's would race them.
        config.load()
        server.lifespan = config.lifespan_class(config)
        await server.startup()
        if not server.started:
            await self.stop()
            raise StartupError(f"could not listen on {self.settings.http.host}:"
                               f"{self.settings.http.port}")
        self.http_port = server.servers[0].sockets[0].getsockname()[1]
        log.info("http listening", extra={
            "service": self.name, "url": f"http://{self.settings.http.host}:{self.http_port}"})
        try:
            await self._stopping.wait()
        finally:
            server.should_exit = True
            await server.shutdown()
            await self.stop()


Setup = Callable[[ServiceRuntime], None]


def run(name: str, settings: ServiceSettings, setup: Setup | None = None) -> None:
    """Entry point body of every `python -m madoguchi.<service>`.

    Order: logging, the security check of the settings, telemetry, then `setup` (models are
    loaded here, before connecting: a missing model is a start-up error, not a consumer that
    takes messages it cannot process), then serve. Refusals exit with status 2.
    """
    configure_logging(name, settings.log_level, settings.log_format)
    try:
        settings.require_secure()
    except InsecureSettingsError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None
    configure_telemetry(name, settings.otel)
    runtime = ServiceRuntime(name, settings)
    try:
        if setup is not None:
            setup(runtime)
        adopt_library_loggers()
        asyncio.run(runtime.serve())
    except StartupError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None
