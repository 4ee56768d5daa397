"""The audit service's moving parts: the AUDIT-stream handler, the writer, periodic checkpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from madoguchi.audit.chain import StoredEvent
from madoguchi.audit.checkpoints import load_signing_key
from madoguchi.audit.db import AsyncConn, connect_app
from madoguchi.audit.ledger import ChainBroken, create_checkpoint
from madoguchi.audit.migrate import upgrade
from madoguchi.audit.sender import rejection_record, sender_problem, subject_sender
from madoguchi.audit.settings import AuditSettings
from madoguchi.audit.store import AuditWriter, GroupCommit
from madoguchi.shared.messaging import DependencyUnavailable
from madoguchi.shared.runtime import NOTHING, Context, Outcome

log = logging.getLogger(__name__)


class AuditService:
    def __init__(self, settings: AuditSettings) -> None:
        if settings.database.dsn is None:
            raise ValueError("MADOGUCHI_AUDIT_DATABASE__DSN is not set")
        self.settings = settings
        self.dsn = settings.database.dsn.get_secret_value()
        self.signing_key: Ed25519PrivateKey | None = (
            load_signing_key(settings.signing_key_file) if settings.signing_key_file else None
        )
        self._conn: AsyncConn | None = None
        self._writer: AuditWriter | None = None
        self._group = GroupCommit(self.append)

    async def open(self) -> None:
        applied = await asyncio.to_thread(upgrade, self.dsn)
        if applied:
            log.info("migrations applied", extra={"count": len(applied)})
        self._conn = await connect_app(self.dsn)
        self._writer = AuditWriter(self._conn)

    async def _reconnect(self) -> None:
        self._conn = await connect_app(self.dsn)
        self._writer = AuditWriter(self._conn)
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

    async def checkpoint_loop(self) -> None:
        """Sign a checkpoint every interval when rows were added."""
        if self.signing_key is None:
            log.warning("no signing key configured: periodic checkpoints are off")
            return
        while True:
            await asyncio.sleep(self.settings.checkpoint_interval_s)
            try:
                async with await connect_app(self.dsn) as conn:
                    await create_checkpoint(conn, self.signing_key)
            except ChainBroken as exc:
                log.error("audit chain broken: refusing to sign a checkpoint",
                          extra={"seq": exc.report.first_bad_seq})
            except Exception as exc:  # keep the loop alive across database hiccups
                log.warning("checkpoint failed", extra={"error": type(exc).__name__})
