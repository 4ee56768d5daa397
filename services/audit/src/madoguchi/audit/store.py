"""The single writer of the hash chain.

Appends take a transaction-scoped advisory lock, read the chain head, chain the rows in order
and send them in one pipelined `executemany` with `ON CONFLICT (service, event_id) DO
NOTHING` (ids are unique per sender); two writers (replicas, the auditor API) can never
fork the chain. A redelivered event conflicts: then the batch is rolled back (its later rows
were chained onto a row that was not stored) and appended again row by row, where a duplicate
is recognised and skipped. (A lookup of the batch's ids first was measured slower: without
fresh statistics PostgreSQL scans the table.)
The caller acknowledges the NATS message only after `append` returned, i.e. after commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from madoguchi.audit.chain import COLUMNS, GENESIS, Row, StoredEvent, row_for, timestamp
from madoguchi.audit.content_keys import ContentKeys
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.sealing import ALGORITHM
from madoguchi.shared.contracts import AuditActor, AuditEvent, RedactedContent
from madoguchi.shared.messaging import DependencyUnavailable

CHAIN_LOCK = 0x6D61_646F_6175_6469  # "madoaudi": serialises appends across processes

_INSERT = (
    f"INSERT INTO audit_events ({', '.join(COLUMNS)}, row_hash) "  # noqa: S608 - fixed names
    f"VALUES ({', '.join(['%s'] * (len(COLUMNS) + 1))}) "
    "ON CONFLICT (service, event_id) DO NOTHING RETURNING seq"
)


class _StoredAlready(Exception):
    """A row of the batch was a duplicate: roll the batch back and go row by row."""


@dataclass(frozen=True)
class Shredding:
    """One destroyed content key, as certified in the trail."""

    session_id: str
    key_created_at: datetime
    readable_until: datetime
    content_rows: int
    certificate_seq: int


class AuditWriter:
    def __init__(self, conn: AsyncConn, keys: ContentKeys | None = None) -> None:
        self._conn = conn
        self._keys = keys or ContentKeys()
        self._lock = asyncio.Lock()  # one transaction at a time on this connection

    async def append(self, events: Sequence[StoredEvent]) -> list[int | None]:
        """Store events in order; returns each one's seq, or None for a duplicate."""
        async with self._lock:
            if len({e.dedupe_id() for e in events}) == len(events):
                try:
                    async with self._conn.transaction():
                        return await self._append_batch(events)
                except _StoredAlready:
                    pass
            async with self._conn.transaction():
                return await self._append_row_by_row(events)

    async def shred(self, *, session_id: str | None = None, reason: str = "retention",
                    auditor_id: str | None = None, limit: int = 500) -> list[Shredding]:
        """Destroy content keys — those past their retention, or one session's on request —
        and chain an erasure certificate for each in the same transaction: a key is gone if
        and only if the trail says so."""
        async with self._lock, self._conn.transaction():
            await self._lock_chain()  # no append reads a key while it is destroyed
            if session_id is None:
                cur = await self._conn.execute(
                    "DELETE FROM audit_content_keys WHERE session_id IN (SELECT session_id "
                    "FROM audit_content_keys WHERE readable_until <= now() "
                    "ORDER BY readable_until LIMIT %s) "
                    "RETURNING session_id, created_at, readable_until", (limit,))
            else:
                cur = await self._conn.execute(
                    "DELETE FROM audit_content_keys WHERE session_id = %s "
                    "RETURNING session_id, created_at, readable_until", (session_id,))
            destroyed = [(str(r[0]), r[1], r[2]) for r in await cur.fetchall()]
            if not destroyed:
                return []
            await self._conn.execute(
                "INSERT INTO audit_shredded_sessions (session_id) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING", ([d[0] for d in destroyed],))
            cur = await self._conn.execute(
                "SELECT session_id, count(*) FROM audit_events WHERE kind = 'content' "
                "AND session_id = ANY(%s) GROUP BY session_id", ([d[0] for d in destroyed],))
            rows = {str(s): int(n) for s, n in await cur.fetchall()}
            certificates = [AuditEvent(
                session_id=sid, kind="erasure", action="content.shredded", outcome="success",
                actor=AuditActor(service="audit", auditor_id=auditor_id),
                attributes={"reason": reason, "key_created_at": timestamp(created),
                            "readable_until": timestamp(until), "content_rows": rows.get(sid, 0),
                            "algorithm": ALGORITHM, "store": "audit_content_keys"},
            ) for sid, created, until in destroyed]
            seqs = await self._append_row_by_row(certificates)
        return [Shredding(sid, created, until, rows.get(sid, 0), int(seq or 0))
                for (sid, created, until), seq in zip(destroyed, seqs, strict=True)]

    async def _lock_chain(self) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))

    async def _head(self) -> tuple[int, bytes]:
        await self._lock_chain()  # re-entrant within the transaction
        cur = await self._conn.execute(
            "SELECT seq, row_hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        head = await cur.fetchone()
        return (int(head[0]), bytes(head[1])) if head else (0, GENESIS)

    async def _content_keys(self, events: Sequence[StoredEvent]) -> dict[str, bytes]:
        sessions = {e.session_id for e in events if isinstance(e, RedactedContent)}
        return await self._keys.for_sealing(self._conn, sessions) if sessions else {}

    async def _append_batch(self, events: Sequence[StoredEvent]) -> list[int | None]:
        seq, prev = await self._head()
        keys = await self._content_keys(events)
        rows: list[tuple[object, ...]] = []
        recorded_at = datetime.now(UTC)
        for event in events:
            row = row_for(event, seq=seq + 1, prev_hash=prev, recorded_at=recorded_at,
                          content_key=keys.get(event.session_id or ""))
            row_hash = row.compute_hash()
            rows.append((*_values(row), row_hash))
            seq, prev = row.seq, row_hash
        async with self._conn.cursor() as cur:
            await cur.executemany(_INSERT, rows, returning=True)
            stored: list[int | None] = []
            while True:
                found = await cur.fetchone()
                if found is None:
                    raise _StoredAlready
                stored.append(int(found[0]))
                if not cur.nextset():
                    break
        return stored

    async def _append_row_by_row(self, events: Sequence[StoredEvent]) -> list[int | None]:
        seq, prev = await self._head()
        keys = await self._content_keys(events)
        result: list[int | None] = []
        for event in events:
            row = row_for(event, seq=seq + 1, prev_hash=prev, recorded_at=datetime.now(UTC),
                          content_key=keys.get(event.session_id or ""))
            row_hash = row.compute_hash()
            cur = await self._conn.execute(_INSERT, (*_values(row), row_hash))
            if await cur.fetchone() is None:
                result.append(None)
                continue
            seq, prev = row.seq, row_hash
            result.append(seq)
        return result


def _values(row: Row) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in COLUMNS)


AppendMany = Callable[[Sequence[StoredEvent]], Awaitable[list[int | None]]]


@dataclass
class _Waiting:
    event: StoredEvent
    done: asyncio.Future[int | None]


class GroupCommit:
    """Appends that arrive together share one transaction (group commit).

    The consumer has many events in hand at once; each `append` waits for the commit of the
    transaction that holds its row, so the runtime still acknowledges only what is committed.
    While one transaction runs, the next batch gathers. A batch that fails for a reason other
    than an outage is split, so one bad row cannot hold back its neighbours.
    """

    def __init__(self, append_many: AppendMany, *, max_rows: int = 500) -> None:
        self._append_many = append_many
        self._max_rows = max_rows
        self._queue: list[_Waiting] = []
        self._task: asyncio.Task[None] | None = None

    async def append(self, event: StoredEvent) -> int | None:
        waiting = _Waiting(event, asyncio.get_running_loop().create_future())
        self._queue.append(waiting)
        if self._task is None:
            self._task = asyncio.create_task(self._drain())
        return await waiting.done

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:self._max_rows], self._queue[self._max_rows:]
                await self._commit(batch)
        finally:
            self._task = None

    async def _commit(self, batch: list[_Waiting]) -> None:
        try:
            seqs = await self._append_many([w.event for w in batch])
        except Exception as exc:
            if len(batch) > 1 and not isinstance(exc, DependencyUnavailable):
                for waiting in batch:
                    await self._commit([waiting])
                return
            for waiting in batch:
                if not waiting.done.done():
                    waiting.done.set_exception(exc)
            return
        for waiting, seq in zip(batch, seqs, strict=True):
            if not waiting.done.done():
                waiting.done.set_result(seq)
