"""Attack (issue 16.9, the auditor API): a flood of bad sign-ins against the audit service
running as deployed (its own process, prod mode, real PostgreSQL and NATS) under a memory limit.

As for ingest (test_ingest_login_memory.py): each argon2 verification takes 64 MiB, the data
segment is capped a little above its resting size, 100 bad sign-ins arrive at once with real
auditors among them. With the bound (`HASH_CONCURRENCY=2`) every auditor gets in and the process
lives; with six at once the allocations fail and auditors are refused: the limit bites.

Written for memory, this attack found a second way down: every waiting sign-in held its own
PostgreSQL connection, so 100 at once took the server's `max_connections` and everyone, real
auditors too, got 503. The API now holds at most `API_CONNECTIONS` (10) per pod, given back
before the argon2 check; the flood's answers must all be 401.
"""

from __future__ import annotations

import base64
from pathlib import Path

import psycopg
import pytest

from madoguchi.audit import migrate
from madoguchi.audit.accounts import add_auditor
from madoguchi.audit.checkpoints import generate_signing_key, public_bytes
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.memory import Request, cap_data_segment, flood
from madoguchi.testing.embedded.services import ServiceProcess

HEADROOM = 320 * 2**20  # as for ingest: two verifications fit, six do not
AUDITORS = 4
PASSWORD = "correct horse battery"


def _as(user: str, password: str) -> Request:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return lambda http: http.get("/v1/audit/events", params={"limit": 1},
                                 headers={"Authorization": f"Basic {token}"})


async def _flood(secure: SecureNats, dsn: str, tmp_path: Path, hash_concurrency: int,
                 ) -> tuple[list[int], list[int], bool]:
    names = [f"auditor{hash_concurrency}-{n}" for n in range(AUDITORS)]
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
        for name in names:
            await add_auditor(owner, name, PASSWORD, "auditor")
    key = generate_signing_key(tmp_path / "signer.pem")
    process = ServiceProcess("audit", secure.settings_for("audit"), tmp_path / "logs", {
        "DATABASE__DSN": dsn, "CHECKPOINT_PUBLIC_KEY": public_bytes(key.public_key()).hex(),
        "HASH_CONCURRENCY": str(hash_concurrency), "LOGINS_PER_MINUTE_PER_SOURCE": "100000",
        "LOGINS_PER_MINUTE": "100000"}).start()
    try:
        assert process.process is not None
        cap_data_segment(process.process.pid, HEADROOM)
        return await flood(process.url, _as(names[0], "wrong password!"),
                           [_as(name, PASSWORD) for name in names])
    finally:
        process.stop()


@pytest.mark.slow
async def test_a_flood_of_bad_auditor_sign_ins_under_a_memory_limit(
    secure_nats: SecureNats, postgres_dsn: str, tmp_path: Path,
) -> None:
    migrate.upgrade(postgres_dsn)
    auditors, flood_codes, alive = await _flood(secure_nats, postgres_dsn, tmp_path / "bounded", 2)
    assert alive and auditors == [200] * AUDITORS, auditors
    assert set(flood_codes) == {401}
    # Control: the same flood with six verifications at once breaks real sign-ins.
    auditors, flood_codes, alive = await _flood(secure_nats, postgres_dsn,
                                                tmp_path / "unbounded", 6)
    assert auditors != [200] * AUDITORS or set(flood_codes) != {401}, (auditors, flood_codes)
