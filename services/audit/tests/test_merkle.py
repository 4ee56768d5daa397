"""RFC 6962 Merkle proofs, with corrupted-proof vectors in the transparency-dev/merkle style."""

from __future__ import annotations

import pytest

from madoguchi.audit import merkle

# The leaves and roots of the RFC 6962 reference tests (certificate-transparency, transparency-dev).
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]

pytestmark = pytest.mark.fast
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHES = [merkle.leaf_hash(d) for d in LEAVES]


def flip(b: bytes, bit: int = 0) -> bytes:
    return bytes([b[0] ^ (1 << bit), *b[1:]])


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_reference_vectors(size: int) -> None:
    assert merkle.root(HASHES[:size]).hex() == ROOTS[size - 1]


def test_empty_tree_root() -> None:
    assert merkle.root([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def tree(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31])
def test_every_inclusion_proof_verifies_and_corruptions_fail(n: int) -> None:
    leaves = tree(n)
    r = merkle.root(leaves)
    for i in range(n):
        proof = merkle.inclusion_proof(i, leaves)
        assert merkle.verify_inclusion(i, n, leaves[i], proof, r)
        # wrong index, wrong size, wrong leaf, wrong root, flipped bits, truncated/extended
        if n > 1:
            assert not merkle.verify_inclusion((i + 1) % n, n, leaves[i], proof, r)
        # wrong tree height (sizes that do not change the path shape cannot be told apart)
        assert not merkle.verify_inclusion(i, n * 2, leaves[i], proof, r)
        if i < n // 2:
            assert not merkle.verify_inclusion(i, n // 2, leaves[i], proof, r)
        assert not merkle.verify_inclusion(i, n, flip(leaves[i]), proof, r)
        assert not merkle.verify_inclusion(i, n, leaves[i], proof, flip(r, 7))
        for j in range(len(proof)):
            bad = [*proof]
            bad[j] = flip(bad[j], j % 8)
            assert not merkle.verify_inclusion(i, n, leaves[i], bad, r)
        if proof:
            assert not merkle.verify_inclusion(i, n, leaves[i], proof[:-1], r)
        assert not merkle.verify_inclusion(i, n, leaves[i], [*proof, r], r)
        assert not merkle.verify_inclusion(n, n, leaves[i], proof, r)
        assert not merkle.verify_inclusion(-1, n, leaves[i], proof, r)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 8, 9, 16, 17, 31])
def test_every_consistency_proof_verifies_and_corruptions_fail(n: int) -> None:
    leaves = tree(n)
    second = merkle.root(leaves)
    for m in range(1, n):
        first = merkle.root(leaves[:m])
        proof = merkle.consistency_proof(m, leaves)
        assert merkle.verify_consistency(m, n, first, second, proof)
        assert not merkle.verify_consistency(m, n, flip(first), second, proof)
        assert not merkle.verify_consistency(m, n, first, flip(second, 3), proof)
        assert not merkle.verify_consistency(m, n * 2, first, second, proof)
        if m < n // 2:
            assert not merkle.verify_consistency(m, n // 2, first, second, proof)
        assert not merkle.verify_consistency(n, m, first, second, proof)
        if m > 1:
            wrong = merkle.verify_consistency(m - 1, n, first, second, proof)
            assert not wrong
        for j in range(len(proof)):
            bad = [*proof]
            bad[j] = flip(bad[j], 5)
            assert not merkle.verify_consistency(m, n, first, second, bad)
        if proof:
            assert not merkle.verify_consistency(m, n, first, second, proof[:-1])
            assert not merkle.verify_consistency(m, n, first, second, [*proof, second])


def test_reference_consistency_proof_1_to_8_and_inclusion_0_of_8() -> None:
    # RFC 6962 reference: inclusion path of leaf 0 in the 8-leaf tree has 3 nodes.
    proof = merkle.inclusion_proof(0, HASHES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert merkle.verify_consistency(
        8, 8, bytes.fromhex(ROOTS[7]), bytes.fromhex(ROOTS[7]), []
    )


def test_out_of_range_requests_raise() -> None:
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(3, tree(3))
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(4, tree(3))


def test_compact_range_matches_root_at_every_size() -> None:
    leaves = tree(40)
    compact = merkle.CompactRange()
    assert compact.root() == merkle.root([])
    for i, leaf in enumerate(leaves):
        compact.append(leaf)
        assert compact.root() == merkle.root(leaves[: i + 1])
