"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.

Used by the audit trail's signed checkpoints: an auditor who kept a checkpoint (tree size and
root) can check that a given row is in the tree (inclusion) and that a later checkpoint extends
the earlier one without rewriting history (consistency). The algorithms follow RFC 9162
sections 2.1.1-2.1.4 literally; leaves are given as their leaf hashes (`leaf_hash(data)`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A proof request is out of range (index or sizes)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def empty_root() -> bytes:
    return hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return empty_root()
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`."""
    if not 0 <= index < len(leaves):
        raise ProofError("leaf index outside the tree")
    return _path(index, leaves)


def _path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, leaves[:k]), root(leaves[k:])]
    return [*_path(m - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(first_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): proves that the tree of size m is a prefix of the tree of `leaves`."""
    n = len(leaves)
    if not 0 <= first_size <= n:
        raise ProofError("first tree size outside the tree")
    if first_size in (0, n):
        return []
    return _subproof(first_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_inclusion(
    index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does `proof` place `leaf` (a leaf hash) at `index` under the root?"""
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first_size: int, second_size: int, first_root: bytes, second_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """RFC 9162 2.1.4.2: is the tree (first_size, first_root) a prefix of the second tree?"""
    if first_size < 0 or first_size > second_size:
        return False
    if first_size == second_size:
        return not proof and first_root == second_root
    if first_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    path = list(proof)
    if first_size & (first_size - 1) == 0:  # an exact power of two: the old root is a node
        path = [first_root, *path]
    if not path:
        return False
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class CompactRange:
    """The right frontier of a growing tree: append leaves one by one in O(log n) memory and
    read the RFC 6962 root at any size on the way (one pass verifies every checkpoint)."""

    def __init__(self) -> None:
        self.size = 0
        self._peaks: list[bytes] = []  # roots of perfect subtrees, largest first

    def frontier(self) -> bytes:
        """The peaks, concatenated: with the size, all it takes to go on appending."""
        return b"".join(self._peaks)

    @classmethod
    def resume(cls, size: int, frontier: bytes) -> CompactRange:
        """The range `frontier()` returned at `size` (one peak per set bit of the size)."""
        peaks = [frontier[i:i + 32] for i in range(0, len(frontier), 32)]
        if size < 0 or len(frontier) % 32 or len(peaks) != size.bit_count():
            raise ProofError(f"a frontier of {len(peaks)} peaks cannot be a tree of {size}")
        compact = cls()
        compact.size, compact._peaks = size, peaks
        return compact

    def append(self, leaf: bytes) -> None:
        self.size += 1
        self._peaks.append(leaf)
        # Merge equal-sized peaks: one merge per trailing zero bit of the new size.
        size = self.size
        while size & 1 == 0:
            right = self._peaks.pop()
            left = self._peaks.pop()
            self._peaks.append(node_hash(left, right))
            size >>= 1

    def root(self) -> bytes:
        if not self._peaks:
            return empty_root()
        result = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            result = node_hash(peak, result)
        return result
