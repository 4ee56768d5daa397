"""Crypto-shredding of conversation content in the trail.

Redaction misses some personal values, and the trail is append-only, so a miss would be kept
for ever. Content (`RedactedContent.fields`) is therefore stored sealed: AES-256-GCM under a
per-session data key kept in `audit_content_keys`, outside the hash chain. The row hash covers
the ciphertext, so destroying a key (after the retention, or on request) makes the content
unreadable for good while every hash and checkpoint still verifies. The associated data binds
a ciphertext to its event and session: it cannot be moved to another row or session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALGORITHM = "A256GCM"
KEY_BYTES = 32
SEALED = "sealed_fields"
"""The payload key holding the sealed fields (`fields` itself is then empty)."""


class Shredded(Exception):
    """The session's key was destroyed: its content can never be read again."""


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _aad(event_id: str, session_id: str) -> bytes:
    return f"madoguchi-content/v1|{event_id}|{session_id}".encode()


def seal(payload: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The content event's payload with its `fields` replaced by their ciphertext."""
    nonce = os.urandom(12)
    plain = json.dumps(payload["fields"], sort_keys=True, ensure_ascii=False).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plain, _aad(payload["event_id"],
                                                        payload["session_id"]))
    return payload | {"fields": {}, SEALED: {
        "alg": ALGORITHM, "kid": key_id(key), "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(ciphertext).decode()}}


def key_id(key: bytes) -> str:
    """Names the key a row was sealed under (not secret: a hash), so that a row sealed under a
    destroyed or discarded key reads as shredded, never as tampered."""
    return hashlib.sha256(b"madoguchi-content-key/v1" + key).hexdigest()[:16]


def is_sealed(payload: dict[str, Any]) -> bool:
    return SEALED in payload


def unseal(payload: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    """The payload with its fields readable again. Raises `Shredded` without a key and
    `cryptography.exceptions.InvalidTag` when the ciphertext was altered or moved."""
    if not is_sealed(payload):
        return payload
    if key is None:
        raise Shredded(payload.get("session_id"))
    box = payload[SEALED]
    if box.get("alg") != ALGORITHM:
        raise ValueError("unknown sealing algorithm")
    if box.get("kid") != key_id(key):
        raise Shredded(payload.get("session_id"))
    plain = AESGCM(key).decrypt(base64.b64decode(box["nonce"]),
                                base64.b64decode(box["ciphertext"]),
                                _aad(payload["event_id"], payload["session_id"]))
    opened = {k: v for k, v in payload.items() if k != SEALED}
    return opened | {"fields": json.loads(plain)}
