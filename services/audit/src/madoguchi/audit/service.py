"""The audit service's moving parts: the AUDIT-stream handler, the writer, periodic checkpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import psycopg

from madoguchi.audit.chain import StoredEvent
from madoguchi.audit.console import ConsoleSessions
from madoguchi.audit.content_keys import ContentKeys
from madoguchi.audit.db import AsyncConn, connect_app
from madoguchi.audit.login_failures import FailedLogins
from madoguchi.audit.migrate import latest, schema_version, upgrade
from madoguchi.audit.sender import rejection_record, sender_problem, subject_sender
from madoguchi.audit.settings import AuditSettings
from madoguchi.audit.store import AuditWriter, GroupCommit, Shredding
from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import DependencyUnavailable
from madoguchi.shared.ratelimit import LoginGuard, RateLimiter
from madoguchi.shared.runtime import NOTHING, Context, Outcome, StartupError

log = logging.getLogger(__name__)


class AuditService:
    def __init__(self, settings: AuditSettings) -> None:
        if settings.database.dsn is None:
            raise ValueError("MADOGUCHI_AUDIT_DATABASE__DSN is not set")
        self.settings = settings
        self.dsn = settings.database.dsn.get_secret_value()
        self.trusted_keys: set[bytes] | None = (
            {bytes.fromhex(k) for k in settings.checkpoint_public_key.split(",")}
            if settings.checkpoint_public_key else None)
        self.keys = ContentKeys(timedelta(days=settings.content_retention_days))
        self.failed_logins = FailedLogins(self.record_access, settings.failed_login_window_s)
        per_source, overall = settings.logins_per_minute_per_source, settings.logins_per_minute
        self.logins = LoginGuard(RateLimiter(per_source, per_source),
                                 RateLimiter(overall, overall), settings.hash_concurrency)
        # Replicas must share the cookie key. Without one of its own, it is derived from the
        # database DSN every replica already holds: someone with the DSN reads the trail
        # anyway, and changing the database password only signs everyone out.
        secret = settings.console_session_secret
        self.console = ConsoleSessions(
            secret.get_secret_value().encode() if secret else b"dsn:" + self.dsn.encode(),
            settings.console_session_ttl_s)
        self._conn: AsyncConn | None = None
        self._writer: AuditWriter | None = None
        self._group = GroupCommit(self.append)
        self._api_connections = asyncio.Semaphore(settings.api_connections)

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConn]:
        """A connection for one API request, at most `api_connections` at once per pod: a burst
        of requests (a sign-in flood from many sources) waits its turn instead of taking every
        PostgreSQL connection, which answered 503 to everyone, the real auditors included."""
        try:
            await asyncio.wait_for(self._api_connections.acquire(),
                                   self.settings.api_connection_wait_s)
        except TimeoutError:
            raise DependencyUnavailable("no audit database connection free") from None
        try:
            async with await connect_app(self.dsn) as conn:
                yield conn
        finally:
            self._api_connections.release()

    async def open(self) -> None:
        if self.settings.migrate_on_start:
            applied = await asyncio.to_thread(upgrade, self.dsn)
            if applied:
                log.info("migrations applied", extra={"count": len(applied)})
        self._conn = await connect_app(self.dsn)
        if (found := await schema_version(self._conn)) < latest():
            await self._conn.close()
            raise StartupError(f"audit schema is at version {found}, this release needs "
                               f"{latest()}: run the migration job (python -m "
                               "madoguchi.audit.migrate) with the owner's DSN")
        self._writer = AuditWriter(self._conn, self.keys)

    async def _reconnect(self) -> None:
        self._conn = await connect_app(self.dsn)
        self._writer = AuditWriter(self._conn, self.keys)
        log.info("audit database reconnected")

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            with contextlib.suppress(Exception):
                await conn.close()

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()

    @property
    def writer(self) -> AuditWriter:
        assert self._writer is not None, "service not opened"
        return self._writer

    def database_ready(self) -> bool:
        return self._conn is not None and not self._conn.closed

    async def append(self, events: Sequence[StoredEvent]) -> list[int | None]:
        """Append through the service's connection, reopening it after PostgreSQL came back.

        Raises `DependencyUnavailable` while the database is down.
        """
        try:
            if not self.database_ready():
                await self._reconnect()
            return await self.writer.append(events)
        except psycopg.OperationalError as exc:
            await self._drop_connection()
            raise DependencyUnavailable("audit database unavailable") from exc

    async def record_access(self, auditor_id: str | None, action: str, outcome: str,
                            attributes: dict[str, object]) -> None:
        """An auditor's query or refused sign-in, appended before the answer is given."""
        await self.append([AuditEvent(
            kind="query" if outcome == "success" else "auth", action=action, outcome=outcome,
            actor=AuditActor(service="audit", auditor_id=auditor_id),
            attributes={k: v for k, v in attributes.items()
                        if v is not None})])

    async def handle(self, event: StoredEvent, context: Context) -> Outcome:
        """Store the event; returning lets the runtime ack, i.e. only after commit. Events in
        hand together are committed together. While PostgreSQL is down the event waits in the
        stream; it is never dead-lettered. An event whose subject and payload disagree about
        its sender is refused (dead letter) and recorded as a security event instead."""
        problem = sender_problem(event, context.subject)
        if problem is not None:
            log.warning("audit event refused: sender", extra={
                "reason_code": problem, "sender": subject_sender(context.subject)[:64]})
            return Outcome.refuse(problem, "subject and payload disagree about the sender",
                                  rejection_record(event, context.subject, problem))
        if await self._group.append(event) is None:
            log.info("duplicate audit event ignored", extra={"event_id": event.event_id})
        return NOTHING

    async def shred_due(self) -> list[Shredding]:
        """Destroy every content key past its retention (certified in the trail)."""
        done: list[Shredding] = []
        while batch := await self.writer.shred(reason="retention"):
            done += batch
        if done:
            log.info("content keys destroyed", extra={"count": len(done)})
        return done

    async def failed_logins_loop(self) -> None:
        """Summaries of refused sign-ins, one per account and window."""
        try:
            while True:
                await asyncio.sleep(self.settings.failed_login_window_s)
                with contextlib.suppress(DependencyUnavailable):
                    await self.failed_logins.flush()
        finally:
            with contextlib.suppress(Exception):
                await self.failed_logins.flush(all_windows=True)

    async def shred_loop(self) -> None:
        """Crypto-shredding on schedule. Checkpoints are not signed here: the signer is its
        own process with its own key and login (`madoguchi.audit.signer`)."""
        while True:
            try:
                if self.database_ready():
                    await self.shred_due()
            except Exception as exc:  # keep the loop alive across database hiccups
                log.warning("shredding failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(self.settings.shred_interval_s)
