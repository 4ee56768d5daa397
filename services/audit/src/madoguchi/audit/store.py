"""The single writer of the hash chain.

Appends take a transaction-scoped advisory lock, read the chain head, look up which of the
events are stored already (a redelivered event is recognised and never stored twice), chain
the new rows in order and send them in one pipelined `executemany`; two writers (replicas,
the auditor API) can never fork the chain. A conflicting row that slipped past the lookup
fails the whole transaction — never a silently skipped row that would break the chain. The
caller acknowledges the NATS message only after `append` returned, i.e. after commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from madoguchi.audit.chain import COLUMNS, GENESIS, Row, StoredEvent, row_for
from madoguchi.audit.db import AsyncConn
from madoguchi.shared.messaging import DependencyUnavailable

CHAIN_LOCK = 0x6D61_646F_6175_6469  # "madoaudi": serialises appends across processes

_INSERT = (
    f"INSERT INTO audit_events ({', '.join(COLUMNS)}, row_hash) "  # noqa: S608 - fixed names
    f"VALUES ({', '.join(['%s'] * (len(COLUMNS) + 1))})"
)


class AuditWriter:
    def __init__(self, conn: AsyncConn) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()  # one transaction at a time on this connection

    async def append(self, events: Sequence[StoredEvent]) -> list[int | None]:
        """Store events in order; returns each one's seq, or None for a duplicate."""
        async with self._lock, self._conn.transaction():
            await self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
            cur = await self._conn.execute(
                "SELECT seq, row_hash FROM audit_events ORDER BY seq DESC LIMIT 1"
            )
            head = await cur.fetchone()
            seq, prev = (int(head[0]), bytes(head[1])) if head else (0, GENESIS)
            cur = await self._conn.execute(
                "SELECT event_id FROM audit_events WHERE event_id = ANY(%s)",
                ([event.event_id for event in events],))
            stored = {str(r[0]) for r in await cur.fetchall()}
            rows: list[tuple[object, ...]] = []
            result: list[int | None] = []
            recorded_at = datetime.now(UTC)
            for event in events:
                if event.event_id in stored:
                    result.append(None)
                    continue
                stored.add(event.event_id)  # the same event twice in one batch: once
                row = row_for(event, seq=seq + 1, prev_hash=prev, recorded_at=recorded_at)
                row_hash = row.compute_hash()
                rows.append((*_values(row), row_hash))
                seq, prev = row.seq, row_hash
                result.append(seq)
            if rows:
                async with self._conn.cursor() as insert:
                    await insert.executemany(_INSERT, rows)
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
