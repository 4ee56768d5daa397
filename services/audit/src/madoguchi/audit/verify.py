"""Recompute the hash chain and every checkpoint; name the first broken row.

Checks, in one pass over the rows in `seq` order:
- `seq` runs 1..n without gaps (a deleted row leaves a gap),
- each row's `prev_hash` is the recomputed hash of the row before (reordering breaks it),
- each row's `row_hash` equals the hash recomputed from its columns (an altered row),
- every checkpoint (in the database and, if given, from an exported file) matches the root of
  the recomputed hashes at its size, carries a valid signature, and — if trusted public keys are
  given — was signed by one of them. A checkpoint larger than the table means rows were removed
  from the end; a root mismatch with an intact chain means the chain was rewritten and rehashed.

`since` resumes after a checkpoint already verified (the signer's incremental pass): only the
later rows are read and rehashed, from the checkpoint's head and Merkle frontier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from madoguchi.audit.chain import COLUMNS, GENESIS, Row
from madoguchi.audit.checkpoints import Checkpoint
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.merkle import CompactRange

_SELECT_ROWS = f"SELECT {', '.join(COLUMNS)}, row_hash FROM audit_events ORDER BY seq"  # noqa: S608
_SELECT_ROWS_AFTER = (f"SELECT {', '.join(COLUMNS)}, row_hash FROM audit_events "  # noqa: S608
                      "WHERE seq > %s ORDER BY seq")


@dataclass(frozen=True)
class Resume:
    """Where a verification may start: a checkpoint whose rows were verified before, and the
    tree's frontier at its size (which must hash to its signed root)."""

    checkpoint: Checkpoint
    compact: CompactRange


@dataclass
class Finding:
    seq: int
    problem: str
    checkpoint: bool = False
    """From a checkpoint: names the earliest row that may differ, not the exact row."""


@dataclass
class VerifyReport:
    rows: int = 0
    rows_rehashed: int = 0
    """Rows read and recomputed: all of them, or those after the `since` checkpoint."""
    checkpoints_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    root: bytes = b""
    head: bytes = GENESIS
    frontier: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_bad_seq(self) -> int | None:
        """The exact row the chain names; failing that, the earliest row a checkpoint doubts."""
        exact = [f.seq for f in self.findings if not f.checkpoint]
        return min(exact or [f.seq for f in self.findings], default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "rows": self.rows, "checkpoints_checked": self.checkpoints_checked,
            "first_bad_seq": self.first_bad_seq,
            "findings": [{"seq": f.seq, "problem": f.problem, "from_checkpoint": f.checkpoint}
                         for f in self.findings[:100]],
        }


async def load_checkpoints(conn: AsyncConn) -> list[Checkpoint]:
    cur = await conn.execute(
        "SELECT tree_size, root_hash, head_hash, signed_at, public_key, signature "
        "FROM audit_checkpoints ORDER BY tree_size"
    )
    return [Checkpoint(int(r[0]), bytes(r[1]), bytes(r[2]), r[3], bytes(r[4]), bytes(r[5]))
            for r in await cur.fetchall()]


async def verify_chain(
    conn: AsyncConn, *, external: list[Checkpoint] | None = None,
    trusted_keys: set[bytes] | None = None, since: Resume | None = None,
) -> VerifyReport:
    start = since.checkpoint.tree_size if since else 0
    report = VerifyReport(rows=start)
    async with conn.transaction():
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        stored = await load_checkpoints(conn)
        checkpoints = sorted([*stored, *(external or [])], key=lambda c: c.tree_size)
        pending = [c for c in checkpoints if c.tree_size > start]
        compact = CompactRange.resume(start, since.compact.frontier()) if since else CompactRange()
        if since and start:
            await _check_resume_head(conn, since.checkpoint, report)
        prev = since.checkpoint.head_hash if since else GENESIS
        expected_seq = start + 1
        last_good_size = start
        async with conn.cursor(name="audit_verify") as cur:
            if since:
                await cur.execute(_SELECT_ROWS_AFTER.encode(), (start,))
            else:
                await cur.execute(_SELECT_ROWS.encode())
            async for record in cur:
                row = _row(record)
                stored_hash = bytes(record[len(COLUMNS)])
                if row.seq != expected_seq:
                    report.findings.append(Finding(
                        expected_seq, f"row {expected_seq} is missing (next row is {row.seq})"))
                    expected_seq = row.seq
                elif row.prev_hash != prev:
                    report.findings.append(Finding(
                        row.seq, "prev_hash does not link to the row before (reordered or "
                        "a row before it was removed/changed)"))
                recomputed = row.compute_hash()
                if recomputed != stored_hash:
                    report.findings.append(Finding(
                        row.seq, "row_hash does not match the row's contents (row altered)"))
                compact.append(recomputed)
                prev = recomputed
                expected_seq += 1
                report.rows += 1
                report.rows_rehashed += 1
                while pending and pending[0].tree_size == compact.size:
                    last_good_size = _check(pending.pop(0), compact, prev, last_good_size,
                                            trusted_keys, report)
        if compact.size == 0:
            while pending and pending[0].tree_size == 0:
                last_good_size = _check(pending.pop(0), compact, GENESIS, 0, trusted_keys, report)
        for checkpoint in pending:
            report.checkpoints_checked += 1
            report.findings.append(Finding(
                compact.size + 1, f"checkpoint of {checkpoint.tree_size} rows but only "
                f"{compact.size} rows exist (rows removed from the end)", checkpoint=True))
    report.findings.sort(key=lambda f: f.seq)
    report.root, report.head, report.frontier = compact.root(), prev, compact.frontier()
    return report


async def _check_resume_head(conn: AsyncConn, checkpoint: Checkpoint,
                             report: VerifyReport) -> None:
    """The checkpoint's last row is still there and still its head: rows removed from the end
    (or the head rewritten) show here, since the rows before it are not read again."""
    cur = await conn.execute("SELECT row_hash FROM audit_events WHERE seq = %s",
                             (checkpoint.tree_size,))
    found = await cur.fetchone()
    if found is None or bytes(found[0]) != checkpoint.head_hash:
        report.findings.append(Finding(
            checkpoint.tree_size, f"checkpoint {checkpoint.tree_size}: its last row is "
            f"{'gone' if found is None else 'changed'} (rows removed or rewritten)", True))


def _check(checkpoint: Checkpoint, compact: CompactRange, head: bytes, last_good_size: int,
           trusted_keys: set[bytes] | None, report: VerifyReport) -> int:
    report.checkpoints_checked += 1
    first_suspect = last_good_size + 1
    size = checkpoint.tree_size
    if not checkpoint.signature_valid():
        report.findings.append(Finding(first_suspect, f"checkpoint {size}: bad signature", True))
        return last_good_size
    if trusted_keys is not None and checkpoint.public_key not in trusted_keys:
        report.findings.append(Finding(
            first_suspect, f"checkpoint {size}: signed by untrusted key {checkpoint.key_id}", True))
        return last_good_size
    if checkpoint.root_hash != compact.root() or checkpoint.head_hash != head:
        report.findings.append(Finding(
            first_suspect, f"checkpoint {size}: Merkle root differs from the rows "
            f"{first_suspect}..{size} (rows rewritten and rehashed)", True))
        return last_good_size
    return size


def _row(record: tuple[Any, ...]) -> Row:
    values = dict(zip(COLUMNS, record, strict=False))
    values["prev_hash"] = bytes(values["prev_hash"])
    values["seq"] = int(values["seq"])
    return Row(**values)
