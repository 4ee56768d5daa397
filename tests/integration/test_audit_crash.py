"""SIGKILL the real audit process while it consumes; restart it; nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.testing.cluster import SecureNats

pytestmark = pytest.mark.fault


def _start(secure: SecureNats, dsn: str, log: Path) -> subprocess.Popen[bytes]:
    nats = secure.settings_for("audit")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_ENV": "test", "MADOGUCHI_AUDIT_NATS__URL": nats.url,
        "MADOGUCHI_AUDIT_NATS__USER": "audit",
        "MADOGUCHI_AUDIT_NATS__PASSWORD": secure.passwords["audit"],
        "MADOGUCHI_AUDIT_NATS__CA_FILE": str(nats.ca_file),
        "MADOGUCHI_AUDIT_DATABASE__DSN": dsn,
    }
    return subprocess.Popen([sys.executable, "-m", "madoguchi.audit"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _count(dsn: str) -> tuple[int, int]:
    with psycopg.connect(dsn) as conn:
        try:
            row = conn.execute(
                "SELECT count(*), count(DISTINCT event_id) FROM audit_events").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0, 0
    assert row is not None
    return int(row[0]), int(row[1])


async def _wait(dsn: str, at_least: int, timeout: float) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        total, _ = _count(dsn)
        if total >= at_least:
            return total
        await asyncio.sleep(0.02)
    return _count(dsn)[0]


async def test_sigkill_mid_stream_loses_and_duplicates_nothing(
    secure_nats: SecureNats, postgres_dsn: str, tmp_path: Path,
) -> None:
    log = tmp_path / "audit.log"
    process = _start(secure_nats, postgres_dsn, log)
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    total = 3000

    async def publish_all() -> None:
        # Publishing goes on while the process is killed and restarted: the kill lands
        # mid-stream however fast the writer is.
        for n in range(total):
            await publish_event(ingest.jetstream(), AuditEvent(
                event_id=f"e{n}", kind="session", action="opened", outcome="success",
                session_id=f"s{n}", actor=AuditActor(service="ingest")))
            if n % 50 == 0:
                await asyncio.sleep(0.01)

    publisher = asyncio.create_task(publish_all())
    try:
        assert await _wait(postgres_dsn, 50, 60) >= 50, log.read_text()[-2000:]
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stored_at_kill = _count(postgres_dsn)[0]
        process = _start(secure_nats, postgres_dsn, log)
        await publisher
        assert await _wait(postgres_dsn, total, 90) == total, log.read_text()[-2000:]
        await asyncio.sleep(1.0)  # anything still redelivered must not add rows
        rows, distinct = _count(postgres_dsn)
        assert rows == distinct == total
        assert stored_at_kill < total, "the kill should land mid-stream"
    finally:
        publisher.cancel()
        await ingest.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(20)
