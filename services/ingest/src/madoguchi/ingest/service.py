"""The ingest process: the FastAPI app on the shared runtime, plus the idle-session sweeper.

Ingest has no durable consumer: it only publishes, reads KV/object store and serves SSE from
ephemeral ordered consumers. All state is in NATS, so replicas and restarts share it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from madoguchi.ingest.app import create_app
from madoguchi.ingest.context import IngestContext
from madoguchi.ingest.erasure import close_session
from madoguchi.ingest.phrases import load_phrases
from madoguchi.ingest.ratelimit import RateLimiter
from madoguchi.ingest.sessions import SessionConflict, SessionStore
from madoguchi.ingest.settings import IngestSettings
from madoguchi.ingest.tokens import TokenSigner
from madoguchi.shared.audio_probe import AudioProber
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.streams import (
    AUDIO_BUCKET,
    CREDENTIALS_BUCKET,
    IDEMPOTENCY_BUCKET,
    SESSIONS_BUCKET,
)

log = logging.getLogger(__name__)
SWEEPER_ACTOR = "ingest:idle-sweeper"


class IngestRuntime(ServiceRuntime):
    def __init__(self, settings: IngestSettings) -> None:
        super().__init__("ingest", settings)
        self.ingest_settings = settings
        self.app: FastAPI = create_app(settings)
        self.context: IngestContext | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self.add_readiness_check("buckets", lambda: self.context is not None)

    async def start(self) -> None:
        await super().start()
        s = self.ingest_settings
        secret = s.auth.token_secret.get_secret_value().encode() if s.auth.token_secret else None
        if secret is None:  # only reachable in dev/test: require_secure() refuses it in prod
            secret = secrets.token_bytes(32)
        prober = AudioProber(s.audio.limits(), workers=s.audio.probe_workers)
        prober.start()
        self.context = IngestContext(
            settings=s, js=self.js,
            credentials=await self.js.key_value(CREDENTIALS_BUCKET),
            idempotency=await self.js.key_value(IDEMPOTENCY_BUCKET),
            sessions=SessionStore(await self.js.key_value(SESSIONS_BUCKET)),
            audio=await self.js.object_store(AUDIO_BUCKET),
            prober=prober, signer=TokenSigner(secret, s.auth.token_ttl_s),
            limiter=RateLimiter(s.limits.requests_per_minute, s.limits.burst),
            phrases=load_phrases(s.phrases_file),
        )
        self.app.state.ingest = self.context
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self.context is not None:
            self.context.prober.close()
        await super().stop()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ingest_settings.sweep_interval_s)
            try:
                await sweep_idle_sessions(self.context)  # type: ignore[arg-type]
            except Exception as exc:  # the sweeper must survive a NATS hiccup
                log.warning("sweep failed", extra={"error": type(exc).__name__})


async def sweep_idle_sessions(ctx: IngestContext) -> int:
    """Erase sessions left open (or half-closed) past the idle timeout. Returns how many."""
    cutoff = datetime.now(UTC) - timedelta(seconds=ctx.settings.session_idle_timeout_s)
    erased = 0
    for session_id in await ctx.sessions.ids():
        found = await ctx.sessions.get(session_id)
        if found is None:
            continue
        state, revision = found
        if state.status == "closed" or state.last_activity > cutoff:
            continue
        reopened = state.model_copy(update={"status": "open"}) if state.status == "closing" \
            else state
        try:
            await close_session(ctx, reopened, revision, "idle_timeout", SWEEPER_ACTOR)
        except SessionConflict:
            continue  # another replica or the staff member got there first
        erased += 1
    return erased


def main() -> None:
    from madoguchi.shared.runtime.logs import configure_logging
    from madoguchi.shared.settings import InsecureSettingsError
    from madoguchi.shared.telemetry import configure_telemetry

    settings = IngestSettings()
    configure_logging("ingest", settings.log_level, settings.log_format)
    configure_telemetry("ingest", settings.otel)
    try:
        settings.require_secure()
    except InsecureSettingsError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None

    async def run() -> None:
        runtime = IngestRuntime(settings)
        await runtime.serve(app=runtime.app)

    asyncio.run(run())
