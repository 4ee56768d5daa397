"""Operations over the stored trail: signing checkpoints and producing Merkle proofs."""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from madoguchi.audit import merkle
from madoguchi.audit.checkpoints import Checkpoint, public_bytes, sign
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.merkle import CompactRange
from madoguchi.audit.verify import Resume, VerifyReport, load_checkpoints, verify_chain

log = logging.getLogger(__name__)


class ChainBroken(RuntimeError):
    """The trail failed verification: a checkpoint would vouch for tampered rows."""

    def __init__(self, report: VerifyReport) -> None:
        super().__init__(f"audit chain broken at row {report.first_bad_seq}")
        self.report = report


async def create_checkpoint(conn: AsyncConn, key: Ed25519PrivateKey,
                            trusted_keys: set[bytes] | None = None, *,
                            full: bool = True) -> Checkpoint | None:
    """Verify the trail (and its checkpoints, against `trusted_keys` when given), then sign
    its current size; None when nothing new was added.

    `full=False` (the signer's frequent runs) verifies only the rows after the last checkpoint
    this key (or a trusted one) signed, from its head and frontier; the rows before it were
    verified when it was signed. Rows changed in place under an older checkpoint are then found
    by the next full run (the daily one, or any auditor's `verify`), not by this one."""
    since = None if full else await resume_point(conn, {public_bytes(key.public_key()),
                                                        *(trusted_keys or ())})
    report = await verify_chain(conn, trusted_keys=trusted_keys, since=since)
    if not report.ok:
        raise ChainBroken(report)
    existing = await load_checkpoints(conn)
    if existing and existing[-1].tree_size >= report.rows:
        return None
    checkpoint = sign(key, report.rows, report.root, report.head)
    await conn.execute(
        "INSERT INTO audit_checkpoints (tree_size, root_hash, head_hash, signed_at, key_id, "
        "public_key, signature, frontier) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (tree_size) DO NOTHING",
        (checkpoint.tree_size, checkpoint.root_hash, checkpoint.head_hash, checkpoint.signed_at,
         checkpoint.key_id, checkpoint.public_key, checkpoint.signature, report.frontier),
    )
    log.info("checkpoint signed", extra={
        "tree_size": checkpoint.tree_size, "rows_rehashed": report.rows_rehashed,
        "verified_from": since.checkpoint.tree_size + 1 if since else 1})
    return checkpoint


async def resume_point(conn: AsyncConn, trusted: set[bytes]) -> Resume | None:
    """The latest checkpoint with a frontier, if a trusted key signed it and its frontier
    hashes to its signed root; otherwise None (verify everything). The frontier is not signed:
    one that a DBA changed cannot hash to the signed root, and is not used."""
    cur = await conn.execute(
        "SELECT tree_size, root_hash, head_hash, signed_at, public_key, signature, frontier "
        "FROM audit_checkpoints WHERE frontier IS NOT NULL ORDER BY tree_size DESC LIMIT 1")
    found = await cur.fetchone()
    if found is None:
        return None
    checkpoint = Checkpoint(int(found[0]), bytes(found[1]), bytes(found[2]), found[3],
                            bytes(found[4]), bytes(found[5]))
    try:
        compact = CompactRange.resume(checkpoint.tree_size, bytes(found[6]))
    except merkle.ProofError:
        compact = None
    if (compact is None or checkpoint.public_key not in trusted
            or not checkpoint.signature_valid() or compact.root() != checkpoint.root_hash):
        log.warning("the last checkpoint's frontier does not match its signed root: "
                    "verifying the whole trail", extra={"tree_size": checkpoint.tree_size})
        return None
    return Resume(checkpoint, compact)


async def leaf_hashes(conn: AsyncConn, tree_size: int) -> list[bytes]:
    cur = await conn.execute(
        "SELECT row_hash FROM audit_events WHERE seq <= %s ORDER BY seq", (tree_size,))
    leaves = [bytes(r[0]) for r in await cur.fetchall()]
    if len(leaves) != tree_size:
        raise merkle.ProofError("tree size larger than the trail")
    return leaves


async def inclusion(conn: AsyncConn, seq: int, tree_size: int) -> list[bytes]:
    """Audit path of row `seq` (1-based) in the tree of the first `tree_size` rows."""
    return merkle.inclusion_proof(seq - 1, await leaf_hashes(conn, tree_size))


async def consistency(conn: AsyncConn, first_size: int, second_size: int) -> list[bytes]:
    return merkle.consistency_proof(first_size, await leaf_hashes(conn, second_size))
