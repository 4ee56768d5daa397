"""The ingest process: the tablet API on the shared runtime, plus the idle-session sweeper.

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
from nats.js.client import JetStreamContext
from nats.js.errors import BucketNotFoundError, NotFoundError
from nats.js.kv import KeyValue

from madoguchi.ingest.app import create_app
from madoguchi.ingest.audio_probe import AudioProber
from madoguchi.ingest.context import IngestContext
from madoguchi.ingest.enrolment import ChallengeSigner
from madoguchi.ingest.erasure import close_session, second_pass
from madoguchi.ingest.phrases import load_phrases
from madoguchi.ingest.sessions import SessionConflict, SessionStore
from madoguchi.ingest.settings import IngestSettings
from madoguchi.ingest.tokens import TokenSigner
from madoguchi.shared.capabilities import CAPABILITIES_BUCKET, CapabilityReader
from madoguchi.shared.objects import AudioObjects
from madoguchi.shared.ratelimit import LoginGuard, RateLimiter
from madoguchi.shared.runtime import ServiceRuntime, run
from madoguchi.shared.runtime.service import Setup
from madoguchi.shared.streams import (
    AUDIO_BUCKET,
    CLOSED_BUCKET,
    CREDENTIALS_BUCKET,
    DEVICE_KEYS_BUCKET,
    IDEMPOTENCY_BUCKET,
    LOCKOUT_BUCKET,
    SESSIONS_BUCKET,
    SPEECH_BUCKET,
    USED_CHALLENGES_BUCKET,
)

log = logging.getLogger(__name__)
SWEEPER_ACTOR = "ingest:idle-sweeper"


class Ingest:
    """The ingest process's parts, attached to the shared runtime (`setup`)."""

    def __init__(self, settings: IngestSettings) -> None:
        self.settings = settings
        self.app: FastAPI = create_app(settings)
        self.context: IngestContext | None = None

    def attach(self, runtime: ServiceRuntime) -> None:
        runtime.serve_app(self.app)
        runtime.add_readiness_check("buckets", lambda: self.context is not None)

        async def open_context() -> None:
            await self._open(runtime)

        runtime.on_start(open_context)
        runtime.on_stop(self._close)
        runtime.background(self._sweep_forever)

    async def _open(self, runtime: ServiceRuntime) -> None:
        s = self.settings
        js = runtime.js
        secret = s.auth.token_secret.get_secret_value().encode() if s.auth.token_secret else None
        if secret is None:  # only reachable in dev/test: require_secure() refuses it in prod
            secret = secrets.token_bytes(32)
        prober = AudioProber(s.audio.limits(), workers=s.audio.probe_workers)
        prober.start()
        self.context = IngestContext(
            settings=s, js=js,
            credentials=await js.key_value(CREDENTIALS_BUCKET),
            lockouts=await js.key_value(LOCKOUT_BUCKET),
            idempotency=await js.key_value(IDEMPOTENCY_BUCKET),
            sessions=SessionStore(await js.key_value(SESSIONS_BUCKET)),
            closed=await js.key_value(CLOSED_BUCKET),
            audio=await js.object_store(AUDIO_BUCKET),
            speech=AudioObjects(js, SPEECH_BUCKET),
            prober=prober, signer=TokenSigner(secret, s.auth.token_ttl_s),
            limiter=RateLimiter(s.limits.requests_per_minute, s.limits.burst),
            logins=LoginGuard(
                RateLimiter(s.auth.logins_per_minute_per_source, s.auth.login_burst_per_source),
                RateLimiter(s.auth.logins_per_minute, s.auth.logins_per_minute),
                s.auth.hash_concurrency),
            phrases=load_phrases(s.phrases_file),
            capabilities=CapabilityReader(await _capabilities(js)),
            device_keys=await js.key_value(DEVICE_KEYS_BUCKET),
            used_challenges=await js.key_value(USED_CHALLENGES_BUCKET),
            challenges_signer=ChallengeSigner(secret),
        )
        self.app.state.ingest = self.context

    async def _close(self) -> None:
        if self.context is not None:
            self.context.prober.close()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.sweep_interval_s)
            if self.context is None:
                continue
            try:
                await sweep_idle_sessions(self.context)
            except Exception as exc:  # the sweeper must survive a NATS hiccup
                log.warning("sweep failed", extra={"error": type(exc).__name__})


async def _capabilities(js: JetStreamContext) -> KeyValue | None:
    try:
        return await js.key_value(CAPABILITIES_BUCKET)
    except (BucketNotFoundError, NotFoundError):
        # Topology from before this bucket: the tablet hears "unknown" until `streams apply`.
        log.warning("no capabilities bucket: run `madoguchi streams apply`")
        return None


async def sweep_idle_sessions(ctx: IngestContext) -> int:
    """Erase sessions left open (or half-closed) past the idle timeout, and purge closed ones a
    second time once the longest ack wait has passed. Returns how many were erased."""
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=ctx.settings.session_idle_timeout_s)
    second_due = now - timedelta(seconds=ctx.settings.erasure_second_pass_s)
    erased = 0
    for session_id in await ctx.sessions.ids():
        found = await ctx.sessions.get(session_id)
        if found is None:
            continue
        state, revision = found
        receipt = state.receipt
        if (state.status == "closed" and receipt is not None and receipt.second_pass is None
                and receipt.erased_at <= second_due):
            with contextlib.suppress(SessionConflict):
                await second_pass(ctx, state, revision)
            continue
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


def setup(settings: IngestSettings, parts: Ingest | None = None) -> Setup:
    def _setup(runtime: ServiceRuntime) -> None:
        (parts or Ingest(settings)).attach(runtime)
    return _setup


def main() -> None:
    settings = IngestSettings()
    run("ingest", settings, setup(settings))
