"""Closed sessions, as every conversation stage sees them: a set fed by a watch on the
`closed_sessions` tombstone bucket (ingest writes one before it purges a session).

The stage consults the set before it starts an event and again before it publishes the
results, so work in flight at the close is dropped instead of landing after the purge —
without a round trip per event. A result that slips through the short window before the watch
delivers the tombstone is caught by ingest's second purge pass.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from nats.aio.subscription import Subscription
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext

from madoguchi.shared.streams import CLOSED_BUCKET

log = logging.getLogger(__name__)
KV_OPERATION = "KV-Operation"


class ClosedSessions:
    def __init__(self, capacity: int = 100_000) -> None:
        self._closed: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity
        self._listeners: list[Callable[[str], None]] = []
        self._sub: Subscription | None = None

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._closed

    def on_close(self, listener: Callable[[str], None]) -> None:
        """Called once per closed session (e.g. to forget in-memory state about it)."""
        self._listeners.append(listener)

    def add(self, session_id: str) -> None:
        if session_id in self._closed:
            return
        self._closed[session_id] = None
        while len(self._closed) > self._capacity:
            self._closed.popitem(last=False)
        for listener in self._listeners:
            try:
                listener(session_id)
            except Exception as exc:  # one listener's bug must not stop the watch
                log.warning("closed-session listener failed", extra={"error": type(exc).__name__})

    async def watch(self, js: JetStreamContext) -> None:
        async def on_tombstone(msg: Any) -> None:
            if (msg.headers or {}).get(KV_OPERATION) in ("DEL", "PURGE"):
                return  # an expired tombstone: the session's data expired long before
            self.add(msg.subject.rsplit(".", 1)[1])

        self._sub = await js.subscribe(
            f"$KV.{CLOSED_BUCKET}.>", stream=f"KV_{CLOSED_BUCKET}", cb=on_tombstone,
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.LAST_PER_SUBJECT,
                                  headers_only=True))

    async def stop(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except Exception as exc:  # closing anyway
                log.debug("unsubscribe failed", extra={"error": type(exc).__name__})
