"""Signed checkpoints: an Ed25519 signature over (tree size, RFC 6962 root, chain head).

An auditor keeps the exported checkpoint file outside the database. Even a database superuser
who rewrites rows *and* recomputes every hash cannot produce a matching root for an old tree
size without the signing key, and the key should live outside the database's trust domain.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from madoguchi.audit.chain import canonical_json, timestamp

LOG_ID = "madoguchi-audit/v1"


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the checkpoint signing key must be an Ed25519 key")
    return key


def generate_signing_key(path: Path) -> Ed25519PrivateKey:
    """Create a new key file (0600); refuses to overwrite an existing one."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root_hash: bytes
    head_hash: bytes
    signed_at: datetime
    public_key: bytes
    signature: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def message(self) -> bytes:
        return signed_message(self.tree_size, self.root_hash, self.head_hash, self.signed_at)

    def signature_valid(self) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                self.signature, self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size, "root_hash": self.root_hash.hex(),
            "head_hash": self.head_hash.hex(), "signed_at": timestamp(self.signed_at),
            "key_id": self.key_id,
            "public_key": base64.b64encode(self.public_key).decode(),
            "signature": base64.b64encode(self.signature).decode(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        return cls(
            tree_size=int(data["tree_size"]), root_hash=bytes.fromhex(data["root_hash"]),
            head_hash=bytes.fromhex(data["head_hash"]),
            signed_at=datetime.strptime(data["signed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=UTC),
            public_key=base64.b64decode(data["public_key"]),
            signature=base64.b64decode(data["signature"]),
        )


def signed_message(tree_size: int, root_hash: bytes, head_hash: bytes,
                   signed_at: datetime) -> bytes:
    return canonical_json({
        "log": LOG_ID, "tree_size": tree_size, "root_hash": root_hash.hex(),
        "head_hash": head_hash.hex(), "signed_at": timestamp(signed_at),
    })


def sign(key: Ed25519PrivateKey, tree_size: int, root_hash: bytes,
         head_hash: bytes) -> Checkpoint:
    now = datetime.now(UTC)
    message = signed_message(tree_size, root_hash, head_hash, now)
    return Checkpoint(tree_size, root_hash, head_hash, now, public_bytes(key.public_key()),
                      key.sign(message))


def export_document(checkpoints: list[Checkpoint]) -> dict[str, Any]:
    """The file an auditor keeps: every checkpoint, self-describing."""
    return {"log": LOG_ID, "checkpoints": [c.to_json() for c in checkpoints]}


def import_document(data: dict[str, Any]) -> list[Checkpoint]:
    if data.get("log") != LOG_ID:
        raise ValueError("not a Madoguchi audit checkpoint file")
    return [Checkpoint.from_json(c) for c in data["checkpoints"]]
