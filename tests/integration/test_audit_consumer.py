"""The audit service consumes the AUDIT stream over real, secured NATS into real PostgreSQL."""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from madoguchi.audit.contracts import STORED_EVENT
from madoguchi.audit.db import connect_app
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings, DatabaseSettings
from madoguchi.audit.verify import verify_chain
from madoguchi.shared.contracts import AuditActor, AuditEvent, RedactedContent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import Context, Outcome, ServiceRuntime, Stage
from madoguchi.shared.streams import AUDIT
from madoguchi.testing.cluster import SecureNats


async def _rows(service: AuditService) -> int:
    async with await connect_app(service.dsn) as conn:
        cur = await conn.execute("SELECT count(*) FROM audit_events")
        row = await cur.fetchone()
        return int(row[0]) if row else 0


async def _wait_rows(service: AuditService, n: int) -> None:
    for _ in range(200):
        if await _rows(service) >= n:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {n} rows, have {await _rows(service)}")


async def _opened_service(secure: SecureNats, dsn: str) -> tuple[AuditSettings, AuditService]:
    settings = AuditSettings(env="test", nats=secure.settings_for("audit"),
                             database=DatabaseSettings(dsn=SecretStr(dsn)))
    service = AuditService(settings)
    await service.open()
    return settings, service


async def test_consumer_stores_every_event_once_even_when_crashing_before_ack(
    secure_nats: SecureNats, postgres_dsn: str,
) -> None:
    settings, service = await _opened_service(secure_nats, postgres_dsn)
    crashed: set[str] = set()

    async def crash_after_commit_once(event: AuditEvent, context: Context) -> Outcome:
        outcome = await service.handle(event, context)  # committed ...
        if event.event_id.startswith("crash") and event.event_id not in crashed:
            crashed.add(event.event_id)
            raise ConnectionError("worker died before the ack")  # ... but never acked
        return outcome

    runtime = ServiceRuntime("audit", settings, retry_delay=0.05)
    runtime.consume(Stage(STORED_EVENT, crash_after_commit_once, concurrency=64))
    await runtime.start()
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    redaction = await connect(secure_nats.settings_for("redaction"), "redaction")
    try:
        sent = [AuditEvent(event_id=f"{'crash' if n % 3 == 0 else 'ok'}{n}", kind="session",
                           action="opened", outcome="success", session_id=f"s{n}",
                           actor=AuditActor(service="ingest", device_id="d1"))
                for n in range(9)]
        for ev in sent:
            await publish_event(ingest.jetstream(), ev)
        await publish_event(redaction.jetstream(), RedactedContent(
            session_id="s1", utterance_id="u1", source_event="translated",
            fields={"target_text": "[PHONE] please"}, entities={"PHONE": 1},
            detector_version="t"))
        # The same event again under another message id: JetStream cannot dedupe it, we must.
        await publish_event(ingest.jetstream(), sent[1], extra_headers={"Nats-Msg-Id": "again"})
        await _wait_rows(service, 10)
        admin = await connect(secure_nats.admin(), "admin")
        try:
            for _ in range(200):  # the nak'ed deliveries come back and are acked
                info = await admin.jetstream().consumer_info(AUDIT, "audit")
                if len(crashed) == 3 and info.num_ack_pending == 0 and info.num_pending == 0:
                    break
                await asyncio.sleep(0.05)
        finally:
            await admin.close()
        assert info.num_ack_pending == 0 and info.num_pending == 0
        async with await connect_app(service.dsn) as conn:
            cur = await conn.execute("SELECT event_id, kind FROM audit_events ORDER BY seq")
            stored = await cur.fetchall()
            report = await verify_chain(conn)
        ids = [r[0] for r in stored]
        assert sorted(i for i in ids if i.startswith(("ok", "crash"))) == sorted(
            e.event_id for e in sent)  # no loss, no duplicate
        assert len(ids) == len(set(ids)) == 10
        assert [r[1] for r in stored].count("content") == 1
        assert crashed == {"crash0", "crash3", "crash6"}
        assert report.ok
    finally:
        await runtime.stop()
        await ingest.close()
        await redaction.close()
        await service.close()


async def test_events_in_hand_together_share_a_transaction_and_keep_the_chain(
    secure_nats: SecureNats, postgres_dsn: str,
) -> None:
    settings, service = await _opened_service(secure_nats, postgres_dsn)
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    runtime = ServiceRuntime("audit", settings)
    runtime.consume(Stage(STORED_EVENT, service.handle, concurrency=256))
    try:
        sent = [AuditEvent(event_id=f"bulk{n}", kind="session", action="opened",
                           outcome="success", session_id=f"s{n}",
                           actor=AuditActor(service="ingest", device_id="d1"))
                for n in range(400)]
        await asyncio.gather(*(publish_event(ingest.jetstream(), ev) for ev in sent))
        await runtime.start()
        await _wait_rows(service, 400)
        async with await connect_app(service.dsn) as conn:
            cur = await conn.execute(
                "SELECT count(*), count(DISTINCT xmin::text) FROM audit_events")
            row = await cur.fetchone()
            report = await verify_chain(conn)
        assert row is not None
        rows, transactions = int(row[0]), int(row[1])
        assert rows == 400
        assert transactions <= rows // 4, transactions  # one per row was the old behaviour
        assert report.ok
    finally:
        await runtime.stop()
        await ingest.close()
        await service.close()


async def test_a_duplicate_inside_a_batch_is_skipped_and_the_chain_still_verifies(
    postgres_dsn: str,
) -> None:
    from madoguchi.audit import migrate
    from madoguchi.audit.store import AuditWriter

    await asyncio.to_thread(migrate.upgrade, postgres_dsn)
    conn = await connect_app(postgres_dsn)
    try:
        writer = AuditWriter(conn)

        def event(name: str) -> AuditEvent:
            return AuditEvent(event_id=name, kind="session", action="opened", outcome="success",
                              actor=AuditActor(service="ingest"))

        assert await writer.append([event("a"), event("b")]) == [1, 2]
        # "b" again (a redelivery) in the middle of a batch: the fast path must not chain "d"
        # onto a row that was never stored.
        assert await writer.append([event("c"), event("b"), event("d")]) == [3, None, 4]
        assert await writer.append([event("e"), event("e")]) == [5, None]
        report = await verify_chain(conn)
        assert report.ok and report.rows == 5
    finally:
        await conn.close()
