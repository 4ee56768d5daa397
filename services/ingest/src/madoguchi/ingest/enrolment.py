"""Enrol a tablet once, then sign in by proving possession of its device-bound key.

Enrolment: the operator's one-time code (`madoguchi devices add`) plus the public half of a
key pair the tablet's browser generated as non-extractable (WebCrypto ECDSA P-256). The code is
checked like a secret (argon2, behind the sign-in limits), must not have expired, and works
once: the stored key names the code it was enrolled with.

Sign-in: ingest hands out a challenge — `c1.<device>.<expires>.<nonce>.<mac>`, HMAC'd with a
key derived from the token secret, so issuing one writes nothing (an unauthenticated flood
cannot fill a bucket) — and the tablet signs the challenge's text. A challenge is accepted
once: its nonce is created in `used_challenges` only after the signature checked out, and a
second create fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from nats.js.errors import APIError, KeyWrongLastSequenceError

from madoguchi.ingest.context import IngestContext
from madoguchi.shared import identity

CHALLENGE_TTL_S = 120
P256_SIGNATURE_BYTES = 64


class EnrolmentRefused(Exception):
    """Why an enrolment or a key sign-in was refused: `code` goes to the audit trail."""

    def __init__(self, code: str, status: int = 401) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Challenge:
    text: str
    expires_at: int


class ChallengeSigner:
    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"madoguchi-ingest-challenge-v1" + secret).digest()

    def issue(self, device_id: str) -> Challenge:
        expires = int(time.time()) + CHALLENGE_TTL_S
        body = f"c1.{device_id}.{expires}.{_b64(secrets.token_bytes(18))}"
        return Challenge(f"{body}.{self._mac(body)}", expires)

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:18])

    def open(self, text: str, device_id: str) -> str:
        """The challenge's nonce, if it is ours, for this device and not expired."""
        parts = text.split(".")
        if len(parts) != 5 or parts[0] != "c1" or len(text) > 200:
            raise EnrolmentRefused("challenge_malformed")
        body, mac = ".".join(parts[:4]), parts[4]
        if not hmac.compare_digest(self._mac(body), mac):
            raise EnrolmentRefused("challenge_forged")
        if parts[1] != device_id:
            raise EnrolmentRefused("challenge_other_device")
        if not parts[2].isdigit() or int(parts[2]) < time.time():
            raise EnrolmentRefused("challenge_expired")
        return parts[3]


def load_public_key(spki_b64: str) -> ec.EllipticCurvePublicKey:
    """A P-256 public key in SPKI DER (what WebCrypto's exportKey("spki") gives), base64."""
    try:
        key = serialization.load_der_public_key(base64.b64decode(spki_b64, validate=True))
    except (ValueError, TypeError):
        raise EnrolmentRefused("public_key_invalid", 400) from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise EnrolmentRefused("public_key_not_p256", 400)
    return key


def verify_signature(key: ec.EllipticCurvePublicKey, message: str, signature_b64: str) -> bool:
    """WebCrypto signs ECDSA as r‖s (IEEE P1363); `cryptography` wants DER."""
    try:
        raw = _unb64(signature_b64)
    except (ValueError, TypeError):
        return False
    if len(raw) != P256_SIGNATURE_BYTES:
        return False
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, message.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


async def enrol(ctx: IngestContext, device_id: str, code: str, public_key: str) -> None:
    """Bind `public_key` to `device_id` with the operator's one-time code, or refuse."""
    load_public_key(public_key)
    device = await identity.get_device(ctx.credentials, device_id)
    enrolment = device.enrolment if device else None
    code_hash = enrolment.code_hash if enrolment else None
    normalised = identity.normalise_code(code)
    ok = await ctx.logins.verify(lambda: identity.verify_secret(code_hash, normalised))
    if not ok or device is None or enrolment is None:
        raise EnrolmentRefused("enrolment_code_invalid")
    if device.status != "active":
        raise EnrolmentRefused("device_revoked")
    if enrolment.expires_at.timestamp() < time.time():
        raise EnrolmentRefused("enrolment_code_expired")
    record = identity.DeviceKey(device_id=device_id, public_key=public_key,
                                code_id=enrolment.code_id).model_dump_json().encode()
    existing = await identity.get_device_key(ctx.device_keys, device_id)
    try:
        if existing is None:
            await ctx.device_keys.create(device_id, record)
        elif existing[0].code_id == enrolment.code_id:
            raise EnrolmentRefused("enrolment_code_reused")
        else:  # enrolled with an older code the operator has since replaced
            await ctx.device_keys.update(device_id, record, last=existing[1])
    except (KeyWrongLastSequenceError, APIError):
        raise EnrolmentRefused("enrolment_code_reused") from None  # a concurrent enrolment won


async def prove_device(ctx: IngestContext, device_id: str, challenge: str,
                       signature: str) -> None:
    """The tablet signed this challenge with its enrolled key, for the first time."""
    nonce = ctx.challenges_signer.open(challenge, device_id)
    stored = await identity.get_device_key(ctx.device_keys, device_id)
    if stored is None:
        raise EnrolmentRefused("device_not_enrolled")
    if not verify_signature(load_public_key(stored[0].public_key), challenge, signature):
        raise EnrolmentRefused("signature_invalid")
    try:
        await ctx.used_challenges.create(nonce, b"")
    except (KeyWrongLastSequenceError, APIError):
        raise EnrolmentRefused("challenge_replayed") from None
