"""Group commit without a database: batching, splitting, outages (fast tier; the real
PostgreSQL proof is tests/integration/test_audit_consumer.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from madoguchi.audit.chain import StoredEvent
from madoguchi.audit.store import GroupCommit
from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import DependencyUnavailable

pytestmark = pytest.mark.fast


def _event(n: int) -> AuditEvent:
    return AuditEvent(event_id=f"e{n}", kind="session", action="opened", outcome="success",
                      actor=AuditActor(service="ingest"))


class Store:
    def __init__(self, bad: str | None = None, down: bool = False) -> None:
        self.transactions: list[list[str]] = []
        self.bad, self.down = bad, down

    async def append_many(self, events: Sequence[StoredEvent]) -> list[int | None]:
        await asyncio.sleep(0.01)
        if self.down:
            raise DependencyUnavailable("down")
        if any(e.event_id == self.bad for e in events):
            raise ValueError("constraint")
        self.transactions.append([e.event_id for e in events])
        return list(range(len(events)))


async def test_appends_that_arrive_together_share_transactions() -> None:
    store = Store()
    group = GroupCommit(store.append_many, max_rows=50)
    await asyncio.gather(*(group.append(_event(n)) for n in range(120)))
    assert sum(len(t) for t in store.transactions) == 120
    assert len(store.transactions) <= 4  # the first alone, then full batches


async def test_one_bad_row_fails_alone() -> None:
    store = Store(bad="e3")
    group = GroupCommit(store.append_many)
    results = await asyncio.gather(*(group.append(_event(n)) for n in range(6)),
                                   return_exceptions=True)
    assert [isinstance(r, ValueError) for r in results] == [False, False, False, True, False,
                                                             False]


async def test_an_outage_fails_the_whole_batch_for_a_retry() -> None:
    group = GroupCommit(Store(down=True).append_many)
    results = await asyncio.gather(*(group.append(_event(n)) for n in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(r, DependencyUnavailable) for r in results)
