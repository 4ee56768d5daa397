"""The per-session data keys that seal conversation content in the trail (`sealing`).

A key is made when a session's first content row is written and is readable until
`created_at + retention`; then `AuditWriter.shred` destroys it and records an erasure
certificate in the same transaction. Keys are cached per process only once their transaction
has committed, so a rolled-back key is never used to seal a stored row.
"""

from __future__ import annotations

from collections import OrderedDict
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
    def __init__(self, retention: timedelta = DEFAULT_RETENTION, cache_size: int = 10_000
                 ) -> None:
        self.retention = retention
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache_size

    async def for_sealing(self, conn: AsyncConn, sessions: Iterable[str]) -> dict[str, bytes]:
        """Each session's key, made where missing; call inside the writer's transaction and
        `remember` the result after commit."""
        wanted = set(sessions)
        found = {s: self._cache[s] for s in wanted if s in self._cache}
        missing = sorted(wanted - set(found))
        if missing:
            await conn.execute(
                "INSERT INTO audit_content_keys (session_id, data_key, readable_until) "
                "SELECT s, k, now() + make_interval(secs => %s) "
                "FROM unnest(%s::text[], %s::bytea[]) AS t(s, k) "
                "ON CONFLICT (session_id) DO NOTHING",
                (self.retention.total_seconds(), missing, [new_data_key() for _ in missing]))
            cur = await conn.execute(
                "SELECT session_id, data_key FROM audit_content_keys WHERE session_id = ANY(%s)",
                (missing,))
            found |= {str(s): bytes(k) for s, k in await cur.fetchall()}
        return found

    def remember(self, keys: dict[str, bytes]) -> None:
        for session, key in keys.items():
            self._cache[session] = key
            self._cache.move_to_end(session)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def forget(self, sessions: Iterable[str]) -> None:
        for session in sessions:
            self._cache.pop(session, None)


async def key_state(conn: AsyncConn, session_id: str) -> KeyState | None:
    """The session's key if it still exists (None: never made, or destroyed)."""
    cur = await conn.execute(
        "SELECT data_key, created_at, readable_until FROM audit_content_keys "
        "WHERE session_id = %s", (session_id,))
    row = await cur.fetchone()
    return KeyState(bytes(row[0]), row[1], row[2]) if row else None
