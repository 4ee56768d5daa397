"""The audit trail on a real PostgreSQL: migrations, append-only rules, tamper detection."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from madoguchi.audit import merkle, migrate
from madoguchi.audit.chain import Row
from madoguchi.audit.checkpoints import (
    Checkpoint,
    export_document,
    generate_signing_key,
    import_document,
    public_bytes,
)
from madoguchi.audit.db import (
    AsyncConn,
    connect_app,
    connect_signer,
    create_app_login,
    create_login,
)
from madoguchi.audit.ledger import consistency, create_checkpoint, inclusion, leaf_hashes
from madoguchi.audit.signer import sign_once
from madoguchi.audit.store import AuditWriter
from madoguchi.audit.verify import _SELECT_ROWS, _row, load_checkpoints, verify_chain
from madoguchi.shared.contracts import AuditActor, AuditEvent, RedactedContent


def event(n: int, kind: str = "session") -> AuditEvent:
    return AuditEvent(kind=kind, action="opened", outcome="success", session_id=f"s{n}",
                      actor=AuditActor(service="ingest", device_id="d1", staff_id="st1"),
                      attributes={"n": n, "ratio": 0.1 * n, "flag": True, "none": None})


@pytest_asyncio.fixture
async def trail(postgres_dsn: str) -> AsyncIterator[tuple[str, AsyncConn, AuditWriter]]:
    migrate.upgrade(postgres_dsn)
    conn = await connect_app(postgres_dsn)
    try:
        yield postgres_dsn, conn, AuditWriter(conn)
    finally:
        await conn.close()


async def _sign(dsn: str, key: Ed25519PrivateKey) -> Checkpoint | None:
    """Checkpoints are the signer's to add (its own role); the service's role may not."""
    async with await connect_signer(dsn) as signer:
        return await create_checkpoint(signer, key)


def test_migrations_up_and_down(postgres_dsn: str) -> None:
    assert migrate.upgrade(postgres_dsn) == [1, 2, 3, 4, 5]
    assert migrate.upgrade(postgres_dsn) == []
    frontier = ("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                "'audit_checkpoints' AND column_name = 'frontier'")
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(frontier).fetchone() == (1,)
    assert migrate.downgrade(postgres_dsn, 4) == [5]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(frontier).fetchone() == (0,)
    sender_scoped = "SELECT count(*) FROM pg_indexes WHERE indexname = 'audit_events_sender_event'"
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(sender_scoped).fetchone() == (1,)
    assert migrate.downgrade(postgres_dsn, 3) == [4]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(sender_scoped).fetchone() == (0,)
    tables = "SELECT count(*) FROM pg_tables WHERE tablename IN " \
             "('audit_events', 'audit_checkpoints', 'auditors', 'audit_content_keys')"
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(tables).fetchone() == (4,)
    assert migrate.downgrade(postgres_dsn, 2) == [3]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(tables).fetchone() == (3,)
    assert migrate.downgrade(postgres_dsn, 1) == [2]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(tables).fetchone() == (2,)
    assert migrate.downgrade(postgres_dsn) == [1]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute(tables).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (0,)
    assert migrate.upgrade(postgres_dsn) == [1, 2, 3, 4, 5]


async def test_append_is_exactly_once_and_chained(
    trail: tuple[str, AsyncConn, AuditWriter],
) -> None:
    _, conn, writer = trail
    first = event(1)
    content = RedactedContent(session_id="s1", utterance_id="u1", source_event="transcribed",
                              fields={"text": "[PERSON]です"}, entities={"PERSON": 1},
                              detector_version="t1")
    assert await writer.append([first, content]) == [1, 2]
    assert await writer.append([first]) == [None]  # redelivery: no second row
    assert await writer.append([event(2), first, event(3)]) == [3, None, 4]
    report = await verify_chain(conn)
    assert report.ok and report.rows == 4
    cur = await conn.execute("SELECT seq, prev_hash, row_hash FROM audit_events ORDER BY seq")
    rows = await cur.fetchall()
    assert bytes(rows[0][1]) == bytes(32)
    assert all(bytes(rows[i][1]) == bytes(rows[i - 1][2]) for i in range(1, 4))


async def test_app_role_cannot_change_or_remove_rows(
    trail: tuple[str, AsyncConn, AuditWriter], postgres_server: object,
) -> None:
    dsn, _, writer = trail
    await writer.append([event(1)])
    login, password = f"app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    await create_app_login(dsn, login, password)
    app_dsn = dsn.replace("postgres:postgres@", f"{login}:{password}@", 1)
    with psycopg.connect(app_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM audit_events").fetchone() == (1,)
        for statement in ("UPDATE audit_events SET outcome = 'failure'",
                          "DELETE FROM audit_events", "TRUNCATE audit_events",
                          "DELETE FROM audit_checkpoints",
                          "UPDATE auditors SET role = 'admin'",
                          "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                          "DROP TRIGGER audit_events_no_update ON audit_events",
                          "CREATE TABLE evil (x int)",
                          # checkpoints are the signer's: the pods that append cannot vouch
                          "INSERT INTO audit_checkpoints VALUES (1, '\\x00', '\\x00', now(), "
                          "'k', '\\x00', '\\x00')",
                          "UPDATE audit_content_keys SET data_key = data_key"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


async def test_signer_login_reads_and_signs_but_cannot_write_events(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
) -> None:
    """The signer holds the key; with its login an attacker can add checkpoints over what is
    stored, never rows, and never read the content keys."""
    dsn, _, writer = trail
    await writer.append([event(1), event(2)])
    login, password = f"signer_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    await create_login(dsn, login, password, migrate.SIGNER_ROLE)
    signer_dsn = dsn.replace("postgres:postgres@", f"{login}:{password}@", 1)
    generate_signing_key(tmp_path / "signer.pem")
    assert (await sign_once(signer_dsn, tmp_path / "signer.pem")) is not None  # the CronJob's
    assert (await sign_once(signer_dsn, tmp_path / "signer.pem")) is None  # nothing new
    with psycopg.connect(signer_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM audit_checkpoints").fetchone() == (1,)
        for statement in ("INSERT INTO audit_events (seq, event_id, event_type, subject, "
                          "occurred_at, recorded_at, payload, prev_hash, row_hash) VALUES (3, "
                          "'x', 'x', 'x', now(), now(), '{}', '\\x00', '\\x00')",
                          "DELETE FROM audit_checkpoints", "SELECT * FROM audit_content_keys",
                          "SELECT * FROM auditors", "ALTER TABLE audit_events DISABLE TRIGGER ALL"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


async def test_triggers_refuse_even_the_superuser(
    trail: tuple[str, AsyncConn, AuditWriter],
) -> None:
    dsn, _, writer = trail
    await writer.append([event(1)])
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in ("UPDATE audit_events SET outcome = 'failure'",
                          "DELETE FROM audit_events", "TRUNCATE audit_events"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)


def _as_superuser(dsn: str, *statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # skips the triggers
        for statement in statements:
            conn.execute(statement)


def _rehash_from(dsn: str, start: int) -> None:
    """The strongest attacker without the key: edit and recompute every later hash."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        records = conn.execute(_SELECT_ROWS).fetchall()
        prev = bytes(records[start - 2][-1]) if start > 1 else bytes(32)
        for record in records[start - 1:]:
            row = _row(record)
            fixed = Row(**{**row.__dict__, "prev_hash": prev})
            prev = fixed.compute_hash()
            conn.execute("UPDATE audit_events SET prev_hash = %s, row_hash = %s WHERE seq = %s",
                         (fixed.prev_hash, prev, row.seq))


TAMPERING = {
    "alter": (["UPDATE audit_events SET outcome = 'failure' WHERE seq = 4"], 4),
    "alter_payload": (["UPDATE audit_events SET payload = replace(payload, 's7', 's70') "
                       "WHERE seq = 7"], 7),
    "delete": (["DELETE FROM audit_events WHERE seq = 6"], 6),
    "delete_tail": (["DELETE FROM audit_events WHERE seq >= 9"], 9),
    "reorder": (["UPDATE audit_events SET seq = 1000 WHERE seq = 3",
                 "UPDATE audit_events SET seq = 3 WHERE seq = 5",
                 "UPDATE audit_events SET seq = 5 WHERE seq = 1000"], 3),
}


@pytest.mark.parametrize("case", [*TAMPERING, "disable_triggers", "rehash"])
async def test_verify_names_the_first_tampered_row(
    case: str, trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
) -> None:
    dsn, conn, writer = trail
    key = generate_signing_key(tmp_path / "signing.pem")
    await writer.append([event(n) for n in range(1, 4)])
    assert (await _sign(dsn, key)) is not None  # size 3
    await writer.append([event(n) for n in range(4, 11)])
    last = await _sign(dsn, key)
    assert last is not None and last.tree_size == 10
    assert (await verify_chain(conn)).ok
    if case in TAMPERING:
        statements, first_bad = TAMPERING[case]
        _as_superuser(dsn, *statements)
    elif case == "disable_triggers":
        with psycopg.connect(dsn, autocommit=True) as su:
            su.execute("ALTER TABLE audit_events DISABLE TRIGGER ALL")
            su.execute("UPDATE audit_events SET device_id = 'd9' WHERE seq = 5")
            su.execute("ALTER TABLE audit_events ENABLE TRIGGER ALL")
        first_bad = 5
    else:
        _as_superuser(dsn, "UPDATE audit_events SET outcome = 'denied' WHERE seq = 8")
        _rehash_from(dsn, 8)
        first_bad = 4  # the chain is intact again; only the size-10 checkpoint fails
    report = await verify_chain(conn, trusted_keys={public_bytes(key.public_key())})
    assert not report.ok
    assert report.first_bad_seq == first_bad, report.findings


async def test_exported_checkpoints_catch_a_wiped_table(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
) -> None:
    dsn, conn, writer = trail
    key = generate_signing_key(tmp_path / "signing.pem")
    other = generate_signing_key(tmp_path / "other.pem")
    await writer.append([event(n) for n in range(1, 6)])
    await _sign(dsn, key)
    exported = import_document(export_document(await load_checkpoints(conn)))
    trusted = {public_bytes(key.public_key())}
    assert (await verify_chain(conn, external=exported, trusted_keys=trusted)).ok
    # A forged checkpoint by another key is refused when keys are pinned.
    forged = await _sign(dsn, other)
    assert forged is None  # nothing new: size 5 already signed
    _as_superuser(dsn, "DELETE FROM audit_checkpoints", "DELETE FROM audit_events WHERE seq > 2")
    report = await verify_chain(conn, external=exported, trusted_keys=trusted)
    assert report.first_bad_seq == 3
    alien = Checkpoint(**{**exported[0].__dict__, "public_key": public_bytes(other.public_key())})
    report = await verify_chain(conn, external=[alien], trusted_keys=trusted)
    assert not report.ok


async def test_inclusion_and_consistency_proofs_from_the_store(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
) -> None:
    dsn, conn, writer = trail
    key = generate_signing_key(tmp_path / "k.pem")
    await writer.append([event(n) for n in range(1, 6)])
    small = await _sign(dsn, key)
    await writer.append([event(n) for n in range(6, 14)])
    big = await _sign(dsn, key)
    assert small is not None and big is not None
    leaves = await leaf_hashes(conn, big.tree_size)
    for seq in (1, 5, 13):
        proof = await inclusion(conn, seq, big.tree_size)
        assert merkle.verify_inclusion(seq - 1, 13, leaves[seq - 1], proof, big.root_hash)
        assert not merkle.verify_inclusion(seq % 13, 13, leaves[seq - 1], proof, big.root_hash)
    proof = await consistency(conn, small.tree_size, big.tree_size)
    assert merkle.verify_consistency(5, 13, small.root_hash, big.root_hash, proof)
    assert not merkle.verify_consistency(5, 13, big.root_hash, big.root_hash, proof)
    with pytest.raises(merkle.ProofError):
        await inclusion(conn, 1, 99)


async def _sign_since(dsn: str, key: Ed25519PrivateKey) -> Checkpoint | None:
    """The signer's frequent run: only the rows after its last checkpoint."""
    async with await connect_signer(dsn) as signer:
        return await create_checkpoint(signer, key, full=False)


async def test_the_signer_rehashes_only_the_rows_since_its_last_checkpoint(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    dsn, conn, writer = trail
    key = generate_signing_key(tmp_path / "signing.pem")
    await writer.append([event(n) for n in range(1, 12)])
    assert (await _sign_since(dsn, key)) is not None  # no checkpoint yet: all 11 rows
    await writer.append([event(n) for n in range(12, 19)])
    with caplog.at_level("INFO", logger="madoguchi.audit.ledger"):
        resumed = await _sign_since(dsn, key)
    assert resumed is not None and resumed.tree_size == 18
    [signed] = [r for r in caplog.records if r.getMessage() == "checkpoint signed"]
    assert (signed.rows_rehashed, signed.verified_from) == (7, 12)  # type: ignore[attr-defined]
    full = await verify_chain(conn, trusted_keys={public_bytes(key.public_key())})
    assert full.ok and (full.root, full.head) == (resumed.root_hash, resumed.head_hash)
    assert full.rows_rehashed == 18


async def test_the_incremental_signer_refuses_a_rewritten_history(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
) -> None:
    """Attacks on the rows it does not read again: rewriting an old row and rehashing every
    later one (the new rows no longer link to the signed head), or removing rows from the
    end (the signed head is gone)."""
    from madoguchi.audit.ledger import ChainBroken

    dsn, _, writer = trail
    key = generate_signing_key(tmp_path / "signing.pem")
    await writer.append([event(n) for n in range(1, 9)])
    assert (await _sign_since(dsn, key)) is not None
    await writer.append([event(n) for n in range(9, 13)])
    _as_superuser(dsn, "UPDATE audit_events SET outcome = 'denied' WHERE seq = 3")
    _rehash_from(dsn, 3)
    with pytest.raises(ChainBroken) as broken:
        await _sign_since(dsn, key)
    assert broken.value.report.first_bad_seq == 9  # the first new row: its link is not the head
    assert any("checkpoint 8" in f.problem for f in broken.value.report.findings)
    _as_superuser(dsn, "DELETE FROM audit_events WHERE seq >= 6")
    with pytest.raises(ChainBroken) as broken:
        await _sign_since(dsn, key)
    assert broken.value.report.first_bad_seq == 8


async def test_a_forged_frontier_is_not_trusted_and_an_old_edit_waits_for_the_full_run(
    trail: tuple[str, AsyncConn, AuditWriter], tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The frontier is not signed: a DBA who rewrites it (to make the next checkpoint vouch
    for another tree) is caught because it no longer hashes to the signed root, and the signer
    verifies everything instead. An edit in place under an old checkpoint (row_hash left
    stale) is outside the incremental pass; the daily full run refuses it."""
    from madoguchi.audit.ledger import ChainBroken

    dsn, conn, writer = trail
    key = generate_signing_key(tmp_path / "signing.pem")
    await writer.append([event(n) for n in range(1, 8)])
    assert (await _sign_since(dsn, key)) is not None
    await writer.append([event(8)])
    _as_superuser(dsn, "UPDATE audit_checkpoints SET frontier = "
                       "overlay(frontier placing '\\xff'::bytea from 1 for 1)")
    with caplog.at_level("INFO", logger="madoguchi.audit.ledger"):
        signed = await _sign_since(dsn, key)
    assert signed is not None and signed.tree_size == 8
    assert any("frontier does not match" in r.getMessage() for r in caplog.records)
    [made] = [r for r in caplog.records if r.getMessage() == "checkpoint signed"]
    assert made.rows_rehashed == 8  # type: ignore[attr-defined]  # the whole trail, not 1
    assert (await verify_chain(conn)).root == signed.root_hash

    await writer.append([event(9)])
    _as_superuser(dsn, "UPDATE audit_events SET outcome = 'denied' WHERE seq = 2")
    assert (await _sign_since(dsn, key)) is not None  # the known limit of the quick pass
    with pytest.raises(ChainBroken) as broken:
        async with await connect_signer(dsn) as signer:
            await create_checkpoint(signer, key, full=True)
    assert broken.value.report.first_bad_seq == 2
