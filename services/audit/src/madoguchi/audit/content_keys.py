"""The per-session data keys that seal conversation content in the trail (`sealing`).

A key is made when a session's first content row is written and is readable until
`created_at + retention`; then `AuditWriter.shred` destroys it, marks the session shredded and
records an erasure certificate in the same transaction. Keys are read inside the writer's
transaction under the chain lock, never cached: with several replicas a cache would go on
sealing with a key another replica destroyed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from madoguchi.audit.db import AsyncConn
from madoguchi.audit.sealing import new_data_key

DEFAULT_RETENTION = timedelta(days=90)


@dataclass(frozen=True)
class KeyState:
    data_key: bytes
    created_at: datetime
    readable_until: datetime


class ContentKeys:
    def __init__(self, retention: timedelta = DEFAULT_RETENTION) -> None:
        self.retention = retention

    async def for_sealing(self, conn: AsyncConn, sessions: Iterable[str]) -> dict[str, bytes]:
        """Each session's key, made where missing; call inside the writer's transaction,
        after the chain lock (which `AuditWriter.shred` takes too, so a key cannot be
        destroyed between this read and the rows it seals). A shredded session gets a key
        that is never stored: what arrives after the shredding is unreadable at once."""
        wanted = sorted(set(sessions))
        cur = await conn.execute(
            "SELECT session_id FROM audit_shredded_sessions WHERE session_id = ANY(%s)",
            (wanted,))
        shredded = {str(r[0]) for r in await cur.fetchall()}
        keep = [s for s in wanted if s not in shredded]
        found = {s: new_data_key() for s in shredded}  # discarded with this transaction
        if keep:
            await conn.execute(
                "INSERT INTO audit_content_keys (session_id, data_key, readable_until) "
                "SELECT s, k, now() + make_interval(secs => %s) "
                "FROM unnest(%s::text[], %s::bytea[]) AS t(s, k) "
                "ON CONFLICT (session_id) DO NOTHING",
                (self.retention.total_seconds(), keep, [new_data_key() for _ in keep]))
            cur = await conn.execute(
                "SELECT session_id, data_key FROM audit_content_keys WHERE session_id = ANY(%s)",
                (keep,))
            found |= {str(s): bytes(k) for s, k in await cur.fetchall()}
        return found


async def is_shredded(conn: AsyncConn, session_id: str) -> bool:
    cur = await conn.execute(
        "SELECT 1 FROM audit_shredded_sessions WHERE session_id = %s", (session_id,))
    return await cur.fetchone() is not None


async def key_state(conn: AsyncConn, session_id: str) -> KeyState | None:
    """The session's key if it still exists (None: never made, or destroyed)."""
    cur = await conn.execute(
        "SELECT data_key, created_at, readable_until FROM audit_content_keys "
        "WHERE session_id = %s", (session_id,))
    row = await cur.fetchone()
    return KeyState(bytes(row[0]), row[1], row[2]) if row else None
