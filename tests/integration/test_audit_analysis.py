"""`madoguchi audit analyse` rules on a real PostgreSQL trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest_asyncio

from madoguchi.audit import migrate
from madoguchi.audit.analysis import JST, analyse, record_report
from madoguchi.audit.db import AsyncConn, connect_app
from madoguchi.audit.store import AuditWriter
from madoguchi.shared.contracts import AuditActor, AuditEvent

MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=JST)


def ev(at: datetime, kind: str = "utterance", device: str = "d1", outcome: str = "success",
       session: str | None = None, **attributes: int) -> AuditEvent:
    action = "session.erased" if kind == "erasure" else "x"
    return AuditEvent(kind=kind, action=action, outcome=outcome,  # type: ignore[arg-type]
                      occurred_at=at, session_id=session,
                      actor=AuditActor(service="ingest", device_id=device),
                      attributes=dict(attributes))


@pytest_asyncio.fixture
async def conn(postgres_dsn: str) -> AsyncIterator[AsyncConn]:
    migrate.upgrade(postgres_dsn)
    async with await connect_app(postgres_dsn) as c:
        yield c


async def test_each_rule_flags_what_it_should_and_nothing_else(conn: AsyncConn) -> None:
    writer = AuditWriter(conn)
    normal = [ev(MONDAY_10 + timedelta(days=d, minutes=m), device=dev)
              for d in range(4) for m in range(5) for dev in ("d1", "d2")]
    spike = [ev(MONDAY_10 + timedelta(days=4, seconds=s), device="d2") for s in range(30)]
    night = [ev(MONDAY_10.replace(hour=23), device="d3")]
    saturday = [ev(MONDAY_10 + timedelta(days=5), device="d3")]
    burst = [ev(MONDAY_10 + timedelta(seconds=30 * i), kind="auth", device="d4",
                outcome="failure") for i in range(6)]
    scattered = [ev(MONDAY_10 + timedelta(hours=i), kind="auth", device="d5",
                    outcome="failure") for i in range(6)]
    sessions = [
        ev(MONDAY_10, kind="session", session="ok", device="d1"),
        ev(MONDAY_10 + timedelta(minutes=30), kind="erasure", session="ok",
           remaining_messages=0),
        ev(MONDAY_10, kind="session", session="never", device="d1"),
        # the trail's own shredding is not the conversation's erasure
        AuditEvent(kind="erasure", action="content.shredded", outcome="success",
                   occurred_at=MONDAY_10 + timedelta(minutes=10), session_id="never",
                   actor=AuditActor(service="audit")),
        ev(MONDAY_10, kind="session", session="late", device="d1"),
        ev(MONDAY_10 + timedelta(hours=5), kind="erasure", session="late",
           remaining_messages=0),
        ev(MONDAY_10, kind="session", session="leaky", device="d1"),
        ev(MONDAY_10 + timedelta(minutes=5), kind="erasure", session="leaky",
           remaining_messages=3),
    ]
    await writer.append([*normal, *spike, *night, *saturday, *burst, *scattered, *sessions])
    since, until = MONDAY_10 - timedelta(days=1), MONDAY_10 + timedelta(days=7)
    flags = await analyse(conn, since, until, now=until)
    found = {(f.rule, f.subject) for f in flags}
    assert found == {
        ("off_hours", "d3"), ("volume_spike", "d2"), ("login_failure_burst", "device:d4"),
        ("erasure_missing", "never"), ("erasure_missing", "late"),
        ("erasure_missing", "leaky"),
    }, flags
    await record_report(writer, flags, since, until)
    cur = await conn.execute("SELECT payload FROM audit_events WHERE kind = 'analysis'")
    row = await cur.fetchone()
    assert row is not None and '"flags":6' in row[0] and '"erasure_missing":3' in row[0]


async def test_no_spike_without_a_baseline_and_bursts_per_staff_account(conn: AsyncConn) -> None:
    """A new install's first busy day is not a spike; one staff account guessed from several
    tablets is a burst even though no single tablet has one."""
    writer = AuditWriter(conn)
    first_day = [ev(MONDAY_10 + timedelta(seconds=s), device="new-tablet") for s in range(40)]
    guessed = [AuditEvent(kind="auth", action="login", outcome="failure",
                          occurred_at=MONDAY_10 + timedelta(seconds=20 * i),
                          actor=AuditActor(service="ingest", device_id=f"t{i % 3}",
                                           staff_id="clerk-9"))
               for i in range(6)]
    await writer.append([*first_day, *guessed])
    flags = await analyse(conn, MONDAY_10 - timedelta(days=1), MONDAY_10 + timedelta(days=1),
                          now=MONDAY_10 + timedelta(hours=1))
    assert {(f.rule, f.subject, f.count) for f in flags} == {
        ("login_failure_burst", "staff:clerk-9", 6)}, flags
