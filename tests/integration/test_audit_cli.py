"""`madoguchi auditors add`, `audit checkpoint`, `audit verify` against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
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


def test_one_key_format_clear_errors_and_auditor_accounts(postgres_dsn: str,
                                                           tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "migrate", "--dsn", postgres_dsn]).exit_code == 0
    asyncio.run(_append(postgres_dsn, 3))
    key, export = tmp_path / "new.pem", tmp_path / "checkpoints.json"
    made = runner.invoke(app, ["audit", "checkpoint", "--dsn", postgres_dsn, "--key-file",
                               str(key), "--export", str(export)])
    assert made.exit_code == 0, made.output
    assert "created one" in made.output  # a new trust root is never made silently
    exported = json.loads(export.read_text())["checkpoints"][0]["public_key"]  # base64
    import base64

    for form in (exported, base64.b64decode(exported).hex(),
                 base64.urlsafe_b64encode(base64.b64decode(exported)).decode().rstrip("=")):
        ok = runner.invoke(app, ["audit", "verify", "--dsn", postgres_dsn, "--public-key", form])
        assert ok.exit_code == 0, (form, ok.output)
        assert json.loads(ok.output)["key_pinned"] is True
    for junk in ("not-a-key", "00" * 31, exported[:-8]):
        bad = runner.invoke(app, ["audit", "verify", "--dsn", postgres_dsn, "--public-key", junk])
        assert bad.exit_code == 2 and "not an Ed25519 public key" in bad.output, bad.output
        assert "Traceback" not in bad.output
    (tmp_path / "junk.json").write_text("{not json")
    bad_file = runner.invoke(app, ["audit", "verify", "--dsn", postgres_dsn, "--checkpoints",
                                   str(tmp_path / "junk.json")])
    assert bad_file.exit_code == 2 and "not a checkpoint export" in bad_file.output

    # auditors: the password from stdin (never in the shell history), list, disable
    added = runner.invoke(app, ["auditors", "add", "erin", "--dsn", postgres_dsn,
                                "--password-stdin"], input="a long enough password\n")
    assert added.exit_code == 0, added.output
    assert "--password " not in runner.invoke(app, ["auditors", "add", "--help"]).output
    listed = runner.invoke(app, ["auditors", "list", "--dsn", postgres_dsn])
    assert listed.output.splitlines()[0].split()[:3] == ["AUDITOR", "ROLE", "STATUS"]
    assert "erin" in listed.output and "active" in listed.output and "$argon2" not in listed.output
    assert runner.invoke(app, ["auditors", "disable", "erin", "--dsn", postgres_dsn]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["auditors", "list", "--dsn", postgres_dsn]).output
    assert runner.invoke(app, ["auditors", "disable", "nobody", "--dsn",
                               postgres_dsn]).exit_code == 1


def test_verify_report_checks_a_pdf_offline(postgres_dsn: str, tmp_path: Path) -> None:
    """The erasure report's attached evidence, checked with no database: good, then with a
    certificate altered inside the attachment."""
    from pypdf import PdfReader, PdfWriter

    from madoguchi.audit.erasure_report import ATTACHMENT, JST, build_document, render_pdf

    runner = CliRunner()
    assert runner.invoke(app, ["audit", "migrate", "--dsn", postgres_dsn]).exit_code == 0

    async def erase() -> None:
        async with await connect_app(postgres_dsn) as conn:
            await AuditWriter(conn).append([AuditEvent(
                kind="erasure", action="session.erased", outcome="success", session_id="s-1",
                actor=AuditActor(service="ingest"), attributes={"remaining_messages": 0})])

    async def report() -> bytes:
        today = datetime.now(JST).date()  # the report's days are the ward's (JST), not UTC
        async with await connect_app(postgres_dsn) as conn:
            document = await build_document(conn, today - timedelta(days=1), today)
        return render_pdf(document, "carol")

    asyncio.run(erase())
    made = runner.invoke(app, ["audit", "checkpoint", "--dsn", postgres_dsn,
                               "--key-file", str(tmp_path / "k.pem")])
    assert made.exit_code == 0, made.output
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(asyncio.run(report()))
    good = runner.invoke(app, ["audit", "verify-report", str(pdf)])
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["certificates"] == 1

    reader = PdfReader(pdf)
    document = json.loads(reader.attachments[ATTACHMENT][0])
    document["certificates"][0]["row"]["session_id"] = "s-other"
    forged = PdfWriter()
    for page in reader.pages:
        forged.add_page(page)
    forged.add_attachment(ATTACHMENT, json.dumps(document).encode())
    with (tmp_path / "forged.pdf").open("wb") as out:
        forged.write(out)
    bad = runner.invoke(app, ["audit", "verify-report", str(tmp_path / "forged.pdf")])
    assert bad.exit_code == 1 and "does not match its row hash" in bad.output
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 nothing")
    refused = runner.invoke(app, ["audit", "verify-report", str(tmp_path / "x.pdf")])
    assert refused.exit_code == 2 and "Traceback" not in refused.output, refused.output
