"""The auditor API on real PostgreSQL: RBAC, every query in the trail, filters, proofs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from pydantic import SecretStr

from madoguchi.audit import merkle
from madoguchi.audit.accounts import add_auditor, disable_auditor
from madoguchi.audit.api import create_app
from madoguchi.audit.checkpoints import generate_signing_key, public_bytes
from madoguchi.audit.db import connect_app, connect_signer
from madoguchi.audit.ledger import create_checkpoint
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings, DatabaseSettings
from madoguchi.shared.contracts import AuditActor, AuditEvent

PASSWORD = "correct horse battery"


@pytest_asyncio.fixture
async def api(postgres_dsn: str, tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient,
                                                                      AuditService]]:
    key = generate_signing_key(tmp_path / "signing.pem")
    service = AuditService(AuditSettings(
        env="test", checkpoint_public_key=public_bytes(key.public_key()).hex(),
        database=DatabaseSettings(dsn=SecretStr(postgres_dsn))))
    await service.open()
    owner = await __import__("psycopg").AsyncConnection.connect(postgres_dsn, autocommit=True)
    await add_auditor(owner, "alice", PASSWORD, "auditor")
    await add_auditor(owner, "mallory", PASSWORD, "auditor")
    await disable_auditor(owner, "mallory")
    await owner.close()
    events = [AuditEvent(kind="utterance", action="delivered", outcome="success",
                         session_id=f"s{n % 2}", actor=AuditActor(service="recognition",
                                                                   device_id=f"d{n % 3}"),
                         attributes={"language": "en", "latency_ms": 100 + n})
              for n in range(6)]
    events.append(AuditEvent(kind="erasure", action="session.erased", outcome="success",
                             session_id="s0", actor=AuditActor(service="ingest"),
                             attributes={"messages_removed": 4, "remaining_messages": 0}))
    await service.writer.append(events)
    async with await connect_signer(service.dsn) as conn:
        await create_checkpoint(conn, key)
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
        yield client, service
    await service.close()


async def _trail(service: AuditService) -> list[tuple[str, str, str | None]]:
    async with await connect_app(service.dsn) as conn:
        cur = await conn.execute(
            "SELECT action, outcome, auditor_id FROM audit_events WHERE service = 'audit' "
            "ORDER BY seq")
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def test_non_auditors_are_refused_and_recorded(
    api: tuple[httpx.AsyncClient, AuditService],
) -> None:
    client, service = api
    assert (await client.get("/v1/audit/events")).status_code == 401
    assert (await client.get("/v1/audit/events", auth=("alice", "wrong"))).status_code == 401
    assert (await client.get("/v1/audit/events", auth=("nobody", PASSWORD))).status_code == 401
    assert (await client.get("/v1/audit/verify", auth=("mallory", PASSWORD))).status_code == 403
    assert await _trail(service) == [
        ("auditor.login_failed", "denied", "alice"),
        ("auditor.login_failed", "denied", None),  # not an account: counted as "unknown"
        ("auditor.disabled", "denied", "mallory"),
    ]


async def test_every_query_is_in_the_trail_and_filters_paginate(
    api: tuple[httpx.AsyncClient, AuditService],
) -> None:
    client, service = api
    auth = ("alice", PASSWORD)
    page = (await client.get("/v1/audit/events", auth=auth,
                             params={"kind": "utterance", "limit": 2})).json()
    assert [e["seq"] for e in page["events"]] == [1, 2] and page["next_cursor"] == 2
    page = (await client.get("/v1/audit/events", auth=auth, params={
        "kind": "utterance", "limit": 2, "cursor": page["next_cursor"]})).json()
    assert [e["seq"] for e in page["events"]] == [3, 4]
    by_device = (await client.get("/v1/audit/events", auth=auth,
                                  params={"device_id": "d0"})).json()["events"]
    assert {e["device_id"] for e in by_device} == {"d0"} and len(by_device) == 2
    bad = await client.get("/v1/audit/events", auth=auth, params={"session_id": "a.b"})
    assert bad.status_code == 422

    verify = (await client.get("/v1/audit/verify", auth=auth)).json()
    assert verify["ok"] and verify["key_pinned"] and verify["checkpoints_checked"] == 1

    erasures = (await client.get("/v1/audit/erasures", auth=auth)).json()["erasures"]
    assert len(erasures) == 1
    certificate, checkpoint = erasures[0]["certificate"], erasures[0]["checkpoint"]
    assert merkle.verify_inclusion(
        certificate["seq"] - 1, checkpoint["tree_size"], bytes.fromhex(certificate["row_hash"]),
        [bytes.fromhex(p) for p in erasures[0]["inclusion_proof"]],
        bytes.fromhex(checkpoint["root_hash"]))

    usage = (await client.get("/v1/audit/reports/usage", auth=auth)).json()
    assert sum(usage["utterances_per_day"].values()) == 6
    assert usage["utterances_per_language"] == {"en": 6}
    assert usage["utterances_per_device"] == {"d0": 2, "d1": 2, "d2": 2}
    assert usage["latency_ms_per_stage"]["recognition"]["median"] == 102.5
    assert usage["time_zones"] == {"timestamps": "UTC", "days": "Asia/Tokyo (JST, UTC+09:00)"}

    proof = (await client.get("/v1/audit/proofs/consistency", auth=auth,
                              params={"first": 3, "second": 7})).json()
    assert len(proof["proof"]) > 0
    assert (await client.get("/v1/audit/proofs/inclusion", auth=auth,
                             params={"seq": 1, "tree_size": 10_000})).status_code == 422

    actions = [a for a, outcome, who in await _trail(service) if who == "alice"]
    # the 422 (invalid session id) was refused before reaching the query: not a query
    assert actions == ["audit.events.list"] * 3 + [
        "audit.verify", "audit.erasures.list", "audit.reports.usage",
        "audit.proofs.consistency", "audit.proofs.inclusion"]


async def test_usage_counts_meaning_warnings_and_taps_per_language_and_counter(
    api: tuple[httpx.AsyncClient, AuditService],
) -> None:
    client, service = api

    def event(service_name: str, action: str, **attributes: str | int) -> AuditEvent:
        return AuditEvent(kind="utterance", action=action, outcome="success", session_id="s9",
                          actor=AuditActor(service=service_name, device_id="d9"),
                          attributes=attributes)

    await service.writer.append([
        event("translation", "delivered", language="vi", counter_id="c1", meaning_warnings=2),
        event("translation", "delivered", language="vi", counter_id="c1", meaning_warnings=0),
        event("translation", "delivered", language="ko", counter_id="c2", meaning_warnings=1),
        # not a number: never counted, never fails the report
        event("translation", "delivered", language="ko", counter_id="c2", meaning_warnings="x"),
        # only translation's delivered events count as warnings, only ingest's taps as taps
        event("recognition", "delivered", language="ko", counter_id="c2", meaning_warnings=5),
        event("ingest", "not_understood", language="vi", counter_id="c1", by="visitor"),
        event("ingest", "not_understood", language="vi", counter_id="c1", by="staff"),
        event("redaction", "not_understood", language="vi", counter_id="c1", by="staff"),
        event("ingest", "confirmed", language="ko", counter_id="c2", by="staff"),
        event("ingest", "withdrawn", language="ko", counter_id="c2", by="staff"),
        event("ingest", "withdrawn", language="ko", counter_id="c2", by="staff"),
    ])
    usage = (await client.get("/v1/audit/reports/usage", auth=("alice", PASSWORD))).json()
    assert usage["meaning_warnings_per_language"] == {"ko": 1, "vi": 1}
    assert usage["meaning_warnings_per_counter"] == {"c1": 1, "c2": 1}
    assert usage["not_understood_per_language"] == {"vi": 2}
    assert usage["not_understood_per_counter"] == {"c1": 2}
    assert usage["held_translations_per_counter"] == {"c2:confirmed": 1, "c2:withdrawn": 2}
    assert usage["utterances_per_language"] == {"en": 6, "ko": 3, "vi": 2}


async def test_console_sign_in_cookie_is_strict_and_refusals_are_clear(
    api: tuple[httpx.AsyncClient, AuditService],
) -> None:
    client, service = api
    console = {"X-Madoguchi-Console": "1"}
    login = {"auditor_id": "alice", "password": PASSWORD}
    # without the console's header a login is refused (another site's form cannot post it)
    assert (await client.post("/console/api/login", json=login)).status_code == 403
    wrong = await client.post("/console/api/login", headers=console,
                              json=login | {"password": "wrong password!"})
    assert wrong.status_code == 401 and "www-authenticate" not in wrong.headers  # no dialog
    service.settings.__dict__["env"] = "prod"  # the cookie as a deployment sets it
    prod_app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod_app),
                                 base_url="https://audit") as https:
        signed_in = await https.post("/console/api/login", headers=console, json=login)
        assert signed_in.status_code == 200, signed_in.text
        cookie = signed_in.headers["set-cookie"]
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/", "Max-Age=1800"):
            assert flag.lower() in cookie.lower(), cookie
        assert (await https.get("/console/api/me")).json() == {"auditor_id": "alice",
                                                                 "role": "auditor"}
        # a tampered cookie is no sign-in
        https.cookies.set("mg_console", https.cookies["mg_console"][:-2] + "xx")
        assert (await https.get("/v1/audit/events")).status_code == 401
    await _mallory_is_disabled(service)
    assert (await client.get("/console/api/me", cookies={"mg_console": service.console.issue(
        "mallory")})).status_code == 401  # a disabled account's cookie opens nothing


async def _mallory_is_disabled(service: AuditService) -> None:
    """mallory exists and is disabled (the fixture)."""
    async with await connect_app(service.dsn) as conn:
        cur = await conn.execute("SELECT disabled FROM auditors WHERE auditor_id = 'mallory'")
        row = await cur.fetchone()
    assert row is not None and row[0] is True


async def test_requests_wait_for_a_free_connection_then_answer_503(
    api: tuple[httpx.AsyncClient, AuditService],
) -> None:
    """At most `api_connections` at once: a request waits for one (and gets its answer when it
    is free), or after `api_connection_wait_s` is told 503 with Retry-After; never a new
    connection beyond the bound."""
    import asyncio

    client, service = api
    service.settings = service.settings.model_copy(update={"api_connection_wait_s": 0.3})
    service._api_connections = asyncio.Semaphore(1)  # as if api_connections were 1
    async with service.connection():
        busy = await client.get("/v1/audit/events", auth=("alice", PASSWORD))
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        waiting = asyncio.ensure_future(client.get("/v1/audit/events", auth=("alice", PASSWORD)))
        await asyncio.sleep(0.1)
    assert (await waiting).status_code == 200
