"""Scenarios 3, 4, 6b: the NATS server SIGKILLed and restarted under ingest's HTTP API, PostgreSQL
down ~30 s under the audit consumer, retried uploads with the same Idempotency-Key."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from checker import History, field_of, read_subject, settle, shorten_ack_wait
from nats.aio.client import Client
from test_worker_kill import audit_rows

from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import CONVERSATION, apply_topology
from madoguchi.testing.cluster import SecureNats, secure_nats_server
from madoguchi.testing.embedded.postgres import PostgresServer
from madoguchi.testing.embedded.services import ServiceProcess
from madoguchi.testing.ingest.audio_corpus import encode
from madoguchi.testing.ingest.harness import (
    enrol,
    ingest_settings,
    running_ingest,
    sign_in,
)
from madoguchi.testing.stack import audit_env


async def test_nats_restart_under_ingest_never_accepts_and_loses(
    tmp_path: Path, history: Callable[[str], History],
) -> None:
    """File storage with sync_interval=always: a 202 means the text is on disk. While the
    server is down, ingest must answer with a retryable error (503/502/504), never 202."""
    secure = secure_nats_server(tmp_path / "nats", sync_always=True)
    h = history("SIGKILL + restart NATS (sync always) under ingest")
    try:
        admin = await connect(secure.admin(), "admin")
        await apply_topology(admin.jetstream())
        tablet = await enrol(admin)
        await admin.close()
        async with running_ingest(ingest_settings(secure)) as ingest, \
                ingest.client() as http:
            auth = await sign_in(http, tablet)
            opened = await http.post("/v1/sessions", headers=auth,
                                     json={"counter_id": "c1", "visitor_language": "en"})
            assert opened.status_code == 201, opened.text
            sid = opened.json()["session_id"]
            other: list[int] = []

            async def post(n: int) -> None:
                try:
                    r = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                                        json={"speaker": "staff", "text": f"番号{n}"})
                except httpx.TransportError:
                    h.rejected_retryable += 1  # no answer: nothing was promised
                    return
                if r.status_code == 202:
                    h.accept([r.json()["utterance_id"]])
                elif r.status_code in (429, 502, 503, 504):  # retry later; nothing promised
                    h.rejected_retryable += 1
                else:
                    other.append(r.status_code)

            n = 0
            end = time.monotonic() + 2.0
            while time.monotonic() < end:
                await post(n)
                n += 1
            h.fault()
            secure.server.kill()  # a crash: no flush beyond what sync_always already wrote
            for _ in range(5):
                await post(n)
                n += 1
            secure.server.start()
            end = time.monotonic() + 8.0
            while time.monotonic() < end:
                await post(n)
                n += 1
                await asyncio.sleep(0.05)
            assert not other, f"non-retryable answers: {sorted(set(other))}"
            assert h.rejected_retryable > 0, "the outage was never seen by a client"
        admin = await connect(secure.admin(), "admin")
        try:
            subject = f"mg.v1.text.submitted.{sid}"

            async def read() -> list[str]:
                return [field_of(raw, "utterance_id")
                        for raw in await read_subject(admin.jetstream(), CONVERSATION, subject)]

            await settle(h, read, timeout=10, quiet=0)
            h.note = f"{n} requests"
            h.check()
        finally:
            await admin.close()
    finally:
        secure.server.stop()


async def test_retried_uploads_give_one_utterance(
    secure_nats: SecureNats, admin: Client, history: Callable[[str], History],
) -> None:
    h = history("retried uploads (same Idempotency-Key) x3")
    tablet = await enrol(admin)
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = (await http.post("/v1/sessions", headers=auth,
                               json={"counter_id": "c1", "visitor_language": "en"})
               ).json()["session_id"]
        audio = encode("wav", 0.5)
        for n in range(5):
            ids = set()
            for _ in range(3):  # the tablet retries after a timeout it could not interpret
                r = await http.post(f"/v1/sessions/{sid}/utterances?speaker=visitor",
                                    content=audio, headers=auth | {"Idempotency-Key": f"k{n}"})
                assert r.status_code == 202, r.text
                ids.add(r.json()["utterance_id"])
            assert len(ids) == 1
            h.accept(ids)

    async def read() -> list[str]:
        return [field_of(raw, "utterance_id") for raw in await read_subject(
            admin.jetstream(), CONVERSATION, f"mg.v1.utterance.received.{sid}")]

    await settle(h, read, timeout=10, quiet=0)
    h.check()


async def test_postgres_down_under_audit(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History],
) -> None:
    """A dedicated PostgreSQL (not the session one) is stopped for ~30 s while audit events keep
    arriving: they wait in the AUDIT stream and land once it is back, once each."""
    home = Path(tempfile.mkdtemp(prefix="madoguchi-fault-pg-"))
    postgres = PostgresServer(home / "data").start()
    h = history("PostgreSQL down 30 s under audit")
    try:
        dsn = postgres.dsn()
        await shorten_ack_wait(admin.jetstream(), "audit", 4.0)
        process = spawn("audit", audit_env(dsn))
        ingest = await connect(secure_nats.settings_for("ingest"), "ingest")

        async def publish(start: int, count: int) -> None:
            for n in range(start, start + count):
                event = AuditEvent(event_id=f"pg{n}", kind="session", action="opened",
                                   outcome="success", session_id=f"s{n % 5}",
                                   actor=AuditActor(service="ingest"))
                await publish_event(ingest.jetstream(), event)
                h.accept([event.event_id])

        async def read() -> list[str]:
            return await asyncio.to_thread(audit_rows, dsn)

        try:
            await publish(0, 50)
            await settle(h, read, timeout=30, quiet=0)
            assert not h.lost, process.log_file.read_text()[-2000:]
            postgres.stop()
            h.fault()
            for second in range(6):  # events keep coming during the outage
                await publish(50 + second * 20, 20)
                await asyncio.sleep(5)
            postgres.start()
            await settle(h, read, timeout=90)
            alive = process.process is not None and process.process.poll() is None
            h.note = "audit process " + ("stayed up" if alive else "exited; restarted by test")
            if not alive:  # an orchestrator would restart it; the data must still be there
                process.start()
                await settle(h, read, timeout=60)
            h.check()
        finally:
            await ingest.close()
    finally:
        postgres.stop()
        shutil.rmtree(home, ignore_errors=True)
