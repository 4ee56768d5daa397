"""Operations over the stored trail: signing checkpoints and producing Merkle proofs."""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from madoguchi.audit import merkle
from madoguchi.audit.checkpoints import Checkpoint, sign
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.verify import VerifyReport, load_checkpoints, verify_chain

log = logging.getLogger(__name__)


class ChainBroken(RuntimeError):
    """The trail failed verification: a checkpoint would vouch for tampered rows."""

    def __init__(self, report: VerifyReport) -> None:
        super().__init__(f"audit chain broken at row {report.first_bad_seq}")
        self.report = report


async def create_checkpoint(conn: AsyncConn, key: Ed25519PrivateKey,
                            trusted_keys: set[bytes] | None = None) -> Checkpoint | None:
    """Verify the whole trail (and its checkpoints, against `trusted_keys` when given), then
    sign its current size; None when nothing new was added."""
    report = await verify_chain(conn, trusted_keys=trusted_keys)
    if not report.ok:
        raise ChainBroken(report)
    existing = await load_checkpoints(conn)
    if existing and existing[-1].tree_size >= report.rows:
        return None
    checkpoint = sign(key, report.rows, report.root, report.head)
    await conn.execute(
        "INSERT INTO audit_checkpoints (tree_size, root_hash, head_hash, signed_at, key_id, "
        "public_key, signature) VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (tree_size) DO NOTHING",
        (checkpoint.tree_size, checkpoint.root_hash, checkpoint.head_hash, checkpoint.signed_at,
         checkpoint.key_id, checkpoint.public_key, checkpoint.signature),
    )
    log.info("checkpoint signed", extra={"tree_size": checkpoint.tree_size})
    return checkpoint


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
