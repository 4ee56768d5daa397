"""Attack: a compromised content-holding service tries to forge the audit trail (issue 16.5).

Translation's own NATS credentials are the attacker. NATS refuses anything outside its own
`mg.v1.audit.translation.>` subjects; what it can publish there but lies about (another
actor, `ops`, an erasure certificate, "redacted" content) reaches the real audit service over
real NATS and PostgreSQL and must be refused: not stored, dead-lettered with the reason, and
recorded as a security event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from nats.errors import TimeoutError as NatsTimeout
from pydantic import SecretStr

from madoguchi.audit.contracts import STORED_EVENT
from madoguchi.audit.db import connect_app
from madoguchi.audit.sender import REJECTED_ACTION
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings, DatabaseSettings
from madoguchi.shared.contracts import AuditActor, AuditEvent, DeadLetter, Event, RedactedContent
from madoguchi.shared.messaging import event_headers, publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import ServiceRuntime, Stage
from madoguchi.shared.streams import DEADLETTER
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.collect import read_stored

RAW = "田中太郎 090-1234-5678"  # what a forger would like the trail to keep


@pytest_asyncio.fixture
async def audit_consumer(secure_nats: SecureNats,
                         postgres_dsn: str) -> AsyncIterator[AuditService]:
    """The real audit service consuming AUDIT over its own NATS user, into PostgreSQL."""
    settings = AuditSettings(env="test", nats=secure_nats.settings_for("audit"),
                             database=DatabaseSettings(dsn=SecretStr(postgres_dsn)))
    service = AuditService(settings)
    await service.open()
    runtime = ServiceRuntime("audit", settings)
    runtime.consume(Stage(STORED_EVENT, service.handle, concurrency=8))
    await runtime.start()
    try:
        yield service
    finally:
        await runtime.stop()
        await service.close()


def _forgeries() -> list[tuple[Event, str, str]]:
    """(event, the subject translation publishes it on, the refusal expected)."""
    as_ops = AuditEvent(event_id="forged-ops", session_id="s-forge", kind="auth",
                        action="staff.enrolled", outcome="success",
                        actor=AuditActor(service="ops"))
    erasure = AuditEvent(event_id="forged-erasure", session_id="s-forge", kind="erasure",
                         action="session.erased", outcome="success",
                         actor=AuditActor(service="translation"),
                         attributes={"remaining_messages": 0})
    content = RedactedContent(event_id="forged-content", session_id="s-forge",
                              utterance_id="u1", source_event="translated",
                              fields={"target_text": RAW}, entities={}, detector_version="x")
    return [
        (as_ops, "mg.v1.audit.translation.auth.s-forge", "sender_mismatch"),
        (erasure, erasure.subject(), "reserved_kind"),
        (content, "mg.v1.audit.translation.content.s-forge", "sender_mismatch"),
    ]


async def test_a_service_cannot_publish_under_another_services_name(
    secure_nats: SecureNats,
) -> None:
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    js = translation.jetstream()
    try:
        for subject in ("mg.v1.audit.ingest.erasure.s1", "mg.v1.audit.redaction.content.s1",
                        "mg.v1.audit.ops.auth.s1", "mg.v1.audit.audit.checkpoint.s1"):
            with pytest.raises(NatsTimeout):  # a denied publish is never acknowledged
                await js.publish(subject, b"{}", timeout=0.5)
        own = AuditEvent(session_id="s1", kind="translation", action="utterance.translate",
                         outcome="success", actor=AuditActor(service="translation"))
        assert (await publish_event(js, own)).stream == "AUDIT"
    finally:
        await translation.close()


async def test_forged_audit_events_are_refused_recorded_and_dead_lettered(
    secure_nats: SecureNats, postgres_dsn: str, audit_consumer: AuditService,
) -> None:
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    admin = await connect(secure_nats.admin(), "admin")
    forgeries = _forgeries()
    honest = AuditEvent(event_id="honest", session_id="s-forge", kind="translation",
                        action="utterance.translate", outcome="success",
                        actor=AuditActor(service="translation"))
    try:
        js = translation.jetstream()
        for event, subject, _ in forgeries:
            await js.publish(subject, event.model_dump_json().encode(),
                             headers=event_headers(event, None))
        await publish_event(js, honest)
        rows = await _rows_when(postgres_dsn, honest=1, rejected=len(forgeries))
        stored = {r["event_id"]: r for r in rows}
        assert "honest" in stored
        assert not {e.event_id for e, _, _ in forgeries} & set(stored)
        assert all(RAW not in r["payload"] for r in rows)
        security = [json.loads(r["payload"]) for r in rows if r["action"] == REJECTED_ACTION]
        assert sorted((s["attributes"]["rejected_event_id"], s["attributes"]["reason_code"])
                      for s in security) == sorted((e.event_id, code) for e, _, code in forgeries)
        assert all(s["actor"]["service"] == "audit" and s["outcome"] == "denied"
                   for s in security)
        letters = [DeadLetter.model_validate_json(m.data) for m in await read_stored(
            admin.jetstream(), DEADLETTER, "mg.v1.deadletter.audit.s-forge")]
        assert sorted((d.original_event_id, d.reason_code) for d in letters) == sorted(
            (e.event_id, code) for e, _, code in forgeries)
    finally:
        await translation.close()
        await admin.close()


async def _rows_when(dsn: str, honest: int, rejected: int) -> list[dict[str, str]]:
    """The stored rows once `honest` ordinary and `rejected` security rows are in."""
    rows: list[dict[str, str]] = []
    for _ in range(200):
        async with await connect_app(dsn) as conn:
            cur = await conn.execute("SELECT event_id, action, payload FROM audit_events")
            rows = [{"event_id": e, "action": a or "", "payload": p}
                    for e, a, p in await cur.fetchall()]
        security = sum(r["action"] == REJECTED_ACTION for r in rows)
        if security >= rejected and len(rows) - security >= honest:
            return rows
        await asyncio.sleep(0.05)
    return rows


async def test_a_service_cannot_squat_another_services_event_id(
    secure_nats: SecureNats, postgres_dsn: str, audit_consumer: AuditService,
) -> None:
    """Translation knows the id redaction will give its content (ids are derived from the
    input event, which both see) and publishes first under that id, on its own subject.
    Dedupe is per sender in JetStream and in PostgreSQL: redaction's real event still lands."""
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    redaction = await connect(secure_nats.settings_for("redaction"), "redaction")
    predicted = "u-42-redacted-translated"
    try:
        squat = AuditEvent(event_id=predicted, session_id="s-squat", kind="translation",
                           action="utterance.translate", outcome="success",
                           actor=AuditActor(service="translation"))
        await publish_event(translation.jetstream(), squat)
        real = RedactedContent(event_id=predicted, session_id="s-squat", utterance_id="u-42",
                               source_event="translated", fields={"target_text": "[NAME]"},
                               entities={"PERSON": 1}, detector_version="x")
        ack = await publish_event(redaction.jetstream(), real)
        assert not ack.duplicate  # JetStream kept it: the ids are scoped by sender
        rows: list[tuple[str, str]] = []
        for _ in range(200):
            async with await connect_app(postgres_dsn) as conn:
                cur = await conn.execute("SELECT service, kind FROM audit_events "
                                         "WHERE event_id = %s ORDER BY service", (predicted,))
                rows = [(str(s), str(k)) for s, k in await cur.fetchall()]
            if len(rows) == 2:
                break
            await asyncio.sleep(0.05)
        assert rows == [("redaction", "content"), ("translation", "translation")]
        # a redelivery of the real event is still a duplicate (per sender)
        again = await publish_event(redaction.jetstream(), real)
        assert again.duplicate
    finally:
        await translation.close()
        await redaction.close()


async def test_text_in_audit_metadata_is_refused(
    secure_nats: SecureNats, postgres_dsn: str, audit_consumer: AuditService,
) -> None:
    """A compromised stage writes a name and a phone number into its own metadata event (raw
    JSON: the producer's model would refuse it). The audit service does not store it — the
    trail's metadata is never sealed or shredded — and dead-letters it with the reason."""
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    admin = await connect(secure_nats.admin(), "admin")
    with pytest.raises(ValueError):  # the producer side refuses to build it at all
        AuditEvent(session_id="s-text", kind="translation", action="x", outcome="success",
                   actor=AuditActor(service="translation"), attributes={"note": RAW})
    honest = AuditEvent(event_id="honest-2", session_id="s-text", kind="translation",
                        action="utterance.translate", outcome="success",
                        actor=AuditActor(service="translation"), attributes={"chars": 12})
    smuggled = json.loads(honest.model_dump_json()) | {"event_id": "smuggled"}
    smuggled["attributes"] = {"note": RAW}
    try:
        js = translation.jetstream()
        await js.publish(honest.subject(), json.dumps(smuggled).encode(),
                         headers={"Nats-Msg-Id": "translation.smuggled"})
        await publish_event(js, honest)
        rows = await _rows_when(postgres_dsn, honest=1, rejected=0)
        assert [r["event_id"] for r in rows] == ["honest-2"]
        assert all(RAW not in r["payload"] for r in rows)
        letters: list[DeadLetter] = []
        for _ in range(100):
            letters = [DeadLetter.model_validate_json(m.data) for m in await read_stored(
                admin.jetstream(), DEADLETTER, "mg.v1.deadletter.audit.>")]
            if letters:
                break
            await asyncio.sleep(0.05)
        assert len(letters) == 1 and letters[0].original_subject == honest.subject()
    finally:
        await translation.close()
        await admin.close()
