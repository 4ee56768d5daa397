"""`madoguchi auditors add`, `audit checkpoint`, `audit verify` against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from madoguchi.audit.db import connect_app
from madoguchi.audit.store import AuditWriter
from madoguchi.ops.cli import app
from madoguchi.shared.contracts import AuditActor, AuditEvent


async def _append(dsn: str, n: int) -> None:
    async with await connect_app(dsn) as conn:
        await AuditWriter(conn).append([
            AuditEvent(kind="session", action="opened", outcome="success", session_id=f"s{i}",
                       actor=AuditActor(service="ingest")) for i in range(n)])


def test_cli_adds_auditors_checkpoints_and_verifies(postgres_dsn: str, tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["auditors", "add", "carol", "--role", "admin", "--dsn",
                                postgres_dsn], env={"MADOGUCHI_AUDITOR_PASSWORD": "long enough pw"})
    assert added.exit_code == 0, added.output
    with psycopg.connect(postgres_dsn) as conn:
        row = conn.execute("SELECT role, password_hash FROM auditors").fetchone()
    assert row is not None and row[0] == "admin" and row[1].startswith("$argon2id$")
    short = runner.invoke(app, ["auditors", "add", "dave", "--dsn", postgres_dsn],
                          env={"MADOGUCHI_AUDITOR_PASSWORD": "short"})
    assert short.exit_code != 0

    asyncio.run(_append(postgres_dsn, 5))
    key, export = tmp_path / "k.pem", tmp_path / "checkpoints.json"
    made = runner.invoke(app, ["audit", "checkpoint", "--dsn", postgres_dsn, "--key-file",
                               str(key), "--export", str(export)])
    assert made.exit_code == 0, made.output
    assert json.loads(export.read_text())["checkpoints"][0]["tree_size"] == 5
    ok = runner.invoke(app, ["audit", "verify", "--dsn", postgres_dsn, "--key-file", str(key),
                             "--checkpoints", str(export)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["key_pinned"] is True

    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE audit_events SET action = 'closed' WHERE seq = 2")
    bad = runner.invoke(app, ["audit", "verify", "--dsn", postgres_dsn, "--key-file", str(key)])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["first_bad_seq"] == 2
