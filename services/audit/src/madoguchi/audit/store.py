"""The single writer of the hash chain.

Appends take a transaction-scoped advisory lock, read the chain head, and insert with
`ON CONFLICT (event_id) DO NOTHING`: a redelivered event is recognised and never stored twice,
and two writers (replicas, the auditor API) can never fork the chain. The caller acknowledges
the NATS message only after `append` returned, i.e. after commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from madoguchi.audit.chain import COLUMNS, GENESIS, Row, StoredEvent, row_for
from madoguchi.audit.db import AsyncConn

CHAIN_LOCK = 0x6D61_646F_6175_6469  # "madoaudi": serialises appends across processes

_INSERT = (
    f"INSERT INTO audit_events ({', '.join(COLUMNS)}, row_hash) "  # noqa: S608 - fixed names
    f"VALUES ({', '.join(['%s'] * (len(COLUMNS) + 1))}) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING seq"
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
            result: list[int | None] = []
            for event in events:
                row = row_for(event, seq=seq + 1, prev_hash=prev, recorded_at=datetime.now(UTC))
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
