"""Attacks on the audit trail's promises (issue 16.6, 16.7, 16.10), on a real PostgreSQL.

- Content that redaction missed must not outlive its retention: it is stored sealed, and once
  the key is destroyed nobody (auditor, DBA, superuser) can read it, while the chain and the
  checkpoints signed before still verify.
- Only the pinned signer's checkpoints are trusted; a DBA's own checkpoint is not.
- An `auditor` cannot do what only an `admin` may; junk sign-ins cannot flood the trail.
- The service refuses to run on a schema it did not migrate, or without a pinned key in prod.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psycopg
import pytest
import pytest_asyncio
from pydantic import SecretStr

from madoguchi.audit import migrate
from madoguchi.audit.accounts import add_auditor
from madoguchi.audit.api import create_app
from madoguchi.audit.checkpoints import generate_signing_key, public_bytes
from madoguchi.audit.db import connect_app, connect_signer
from madoguchi.audit.ledger import create_checkpoint
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings, DatabaseSettings
from madoguchi.audit.verify import verify_chain
from madoguchi.shared.contracts import AuditActor, AuditEvent, RedactedContent
from madoguchi.shared.runtime import StartupError
from madoguchi.shared.settings import InsecureSettingsError

MISSED = "綾瀬川紗希 090-2718-2818"  # what redaction let through, planted in the content
PASSWORD = "correct horse battery"


def _content(session: str, n: int) -> RedactedContent:
    return RedactedContent(session_id=session, utterance_id=f"u{n}", source_event="translated",
                           fields={"target_text": f"{MISSED} ({n})"}, entities={},
                           detector_version="t")


@pytest_asyncio.fixture
async def audit(postgres_dsn: str, tmp_path: Path,
                ) -> AsyncIterator[tuple[AuditService, httpx.AsyncClient, Path]]:
    key_file = tmp_path / "signer.pem"
    key = generate_signing_key(key_file)
    service = AuditService(AuditSettings(
        env="test", checkpoint_public_key=public_bytes(key.public_key()).hex(),
        content_retention_days=1.5 / 86_400,  # 1.5 s
        logins_per_minute_per_source=1000, failed_login_window_s=3600,
        database=DatabaseSettings(dsn=SecretStr(postgres_dsn))))
    await service.open()
    async with await psycopg.AsyncConnection.connect(postgres_dsn, autocommit=True) as owner:
        await add_auditor(owner, "alice", PASSWORD, "auditor")
        await add_auditor(owner, "root", PASSWORD, "admin")
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
        yield service, client, key_file
    await service.close()


def _scan(dsn: str, needle: str) -> list[str]:
    """Every column of every table in the database (as the superuser) holding `needle`."""
    found = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                              ).fetchall()
        for (table,) in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                if any(needle in (bytes(v).decode(errors="replace")
                                  if isinstance(v, bytes | memoryview) else str(v))
                       for v in row):
                    found.append(table)
    return found


async def test_content_is_sealed_readable_within_retention_then_shredded_for_good(
    audit: tuple[AuditService, httpx.AsyncClient, Path], postgres_dsn: str,
) -> None:
    service, client, key_file = audit
    await service.writer.append([_content("s-keep", 1), _content("s-keep", 2),
                                 AuditEvent(session_id="s-keep", kind="session",
                                            action="opened", outcome="success",
                                            actor=AuditActor(service="ingest"))])
    # The trail never holds the text in the clear: a DBA reading every table finds none.
    assert _scan(postgres_dsn, "綾瀬川") == []
    auth = ("alice", PASSWORD)
    read = await client.get("/v1/audit/sessions/s-keep/content", auth=auth)
    assert read.status_code == 200, read.text
    texts = [c["fields"]["target_text"] for c in read.json()["content"]]
    assert texts == [f"{MISSED} (1)", f"{MISSED} (2)"]  # within retention: readable
    listed = (await client.get("/v1/audit/events", auth=auth,
                               params={"kind": "content"})).json()["events"]
    assert listed and all("綾瀬川" not in json.dumps(e, ensure_ascii=False) for e in listed)

    async with await connect_signer(postgres_dsn) as conn:  # signed before the shredding
        from madoguchi.audit.checkpoints import load_signing_key
        signed = await create_checkpoint(conn, load_signing_key(key_file))
    assert signed is not None

    await asyncio.sleep(1.6)  # past the retention
    done = await service.shred_due()
    assert [d.session_id for d in done] == ["s-keep"] and done[0].content_rows == 2
    assert (await client.get("/v1/audit/sessions/s-keep/content", auth=auth)).status_code == 410
    async with await connect_app(postgres_dsn) as conn:
        cur = await conn.execute("SELECT count(*) FROM audit_content_keys")
        assert await cur.fetchone() == (0,)
        report = await verify_chain(conn, trusted_keys=service.trusted_keys)
    assert report.ok and report.checkpoints_checked == 1  # the ciphertext is still hashed
    erasures = (await client.get("/v1/audit/erasures", auth=auth,
                                 params={"session_id": "s-keep"})).json()["erasures"]
    certificate = erasures[0]["certificate"]["payload"]
    assert certificate["action"] == "content.shredded"
    assert certificate["attributes"]["reason"] == "retention"
    assert certificate["attributes"]["content_rows"] == 2
    reads = [json.loads(p) for (p,) in psycopg.connect(postgres_dsn).execute(
        "SELECT payload FROM audit_events WHERE action = 'audit.content.read'").fetchall()]
    assert len(reads) == 2 and all(r["attributes"]["session_id"] == "s-keep" for r in reads)


async def test_early_shredding_is_for_admins_only(
    audit: tuple[AuditService, httpx.AsyncClient, Path], postgres_dsn: str,
) -> None:
    service, client, _ = audit
    await service.writer.append([_content("s-ask", 1)])
    refused = await client.post("/v1/audit/sessions/s-ask/content/shred",
                                auth=("alice", PASSWORD))
    assert refused.status_code == 403
    assert (await client.get("/v1/audit/sessions/s-ask/content",
                             auth=("alice", PASSWORD))).status_code == 200  # untouched
    done = await client.post("/v1/audit/sessions/s-ask/content/shred", auth=("root", PASSWORD))
    assert done.status_code == 200 and done.json()["content_rows"] == 1
    assert (await client.get("/v1/audit/sessions/s-ask/content",
                             auth=("alice", PASSWORD))).status_code == 410
    # Content still in flight for the shredded session must not get a fresh, readable key.
    await service.writer.append([_content("s-ask", 2)])
    assert (await client.get("/v1/audit/sessions/s-ask/content",
                             auth=("alice", PASSWORD))).status_code == 410
    assert _scan(postgres_dsn, "綾瀬川") == []
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM audit_content_keys WHERE session_id = "
                            "'s-ask'").fetchone() == (0,)
    with psycopg.connect(postgres_dsn) as conn:
        rows = conn.execute("SELECT action, outcome, auditor_id FROM audit_events "
                            "WHERE action LIKE 'audit.content.shred%%' OR "
                            "action = 'content.shredded' ORDER BY seq").fetchall()
    assert rows == [("audit.content.shred", "denied", "alice"),
                    ("audit.content.shred", "success", "root"),
                    ("content.shredded", "success", "root")]


async def test_a_checkpoint_from_any_other_key_fails_verification(
    audit: tuple[AuditService, httpx.AsyncClient, Path], postgres_dsn: str, tmp_path: Path,
) -> None:
    """A DBA who rewrote rows signs a fresh checkpoint with a key of their own: the pinned
    key makes /v1/audit/verify refuse it."""
    service, client, _ = audit
    await service.writer.append([_content("s1", 1)])
    own_key = generate_signing_key(tmp_path / "dba.pem")
    async with await psycopg.AsyncConnection.connect(postgres_dsn, autocommit=True) as dba:
        await create_checkpoint(dba, own_key)
    verify = (await client.get("/v1/audit/verify", auth=("alice", PASSWORD))).json()
    assert verify["key_pinned"] and not verify["ok"]


async def test_junk_sign_ins_leave_a_bounded_trail_and_floods_are_throttled(
    audit: tuple[AuditService, httpx.AsyncClient, Path], postgres_dsn: str,
) -> None:
    service, client, _ = audit
    for n in range(40):
        refused = await client.get("/v1/audit/events", auth=(f"junk{n}", "x" * 12))
        assert refused.status_code == 401
    await service.failed_logins.flush(all_windows=True)
    with psycopg.connect(postgres_dsn) as conn:
        rows = [json.loads(p) for (p,) in conn.execute(
            "SELECT payload FROM audit_events WHERE kind = 'auth'").fetchall()]
    assert len(rows) == 2  # the first, then one summary of the other 39
    assert rows[1]["attributes"]["count"] == 39
    # per source: a flood is answered 429 before any argon2 work
    service.logins = type(service.logins)(
        type(service.logins._per_source)(per_minute=1, burst=3),
        type(service.logins._per_source)(per_minute=1000, burst=1000), 2)
    codes = [(await client.get("/v1/audit/events", auth=("alice", "wrong" * 3))).status_code
             for _ in range(6)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}


async def test_the_service_refuses_an_unmigrated_schema_and_prod_without_a_pinned_key(
    postgres_dsn: str,
) -> None:
    settings = AuditSettings(env="test", migrate_on_start=False,
                             database=DatabaseSettings(dsn=SecretStr(postgres_dsn)))
    with pytest.raises(StartupError, match="migration job"):
        await AuditService(settings).open()
    migrate.upgrade(postgres_dsn, target=2)  # an older release's schema
    with pytest.raises(StartupError, match="version 2"):
        await AuditService(settings).open()
    prod = settings.model_copy(update={"env": "prod"})
    with pytest.raises(InsecureSettingsError, match="checkpoint_public_key"):
        prod.require_secure()
