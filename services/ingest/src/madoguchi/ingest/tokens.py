"""Staff session tokens: `v1.<payload>.<hmac>`, HMAC-SHA256 with the configured secret.

The token only proves *who signed in where and until when*; whether the device and the staff
member are still allowed is checked against the credentials bucket on every request, so a
revocation does not wait for the token to expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class TokenClaims:
    device_id: str
    staff_id: str
    expires_at: int
    token_id: str


class InvalidToken(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes, ttl_s: int) -> None:
        if len(secret) < 16:
            raise ValueError("token secret must be at least 16 bytes")
        self._key = hashlib.sha256(b"madoguchi-ingest-token-v1" + secret).digest()
        self.ttl_s = ttl_s

    def issue(self, device_id: str, staff_id: str) -> tuple[str, TokenClaims]:
        claims = TokenClaims(device_id, staff_id, int(time.time()) + self.ttl_s,
                             secrets.token_hex(8))
        payload = _b64(json.dumps(
            {"d": claims.device_id, "s": claims.staff_id, "e": claims.expires_at,
             "j": claims.token_id}, separators=(",", ":")).encode())
        return f"v1.{payload}.{self._mac(payload)}", claims

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, f"v1.{payload}".encode(), hashlib.sha256).digest())

    def verify(self, token: str) -> TokenClaims:
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != "v1" or len(token) > 1024:
            raise InvalidToken("malformed")
        if not hmac.compare_digest(self._mac(parts[1]), parts[2]):
            raise InvalidToken("bad signature")
        try:
            raw = json.loads(_unb64(parts[1]))
            claims = TokenClaims(str(raw["d"]), str(raw["s"]), int(raw["e"]), str(raw["j"]))
        except (ValueError, KeyError, TypeError):
            raise InvalidToken("malformed") from None
        if claims.expires_at < time.time():
            raise InvalidToken("expired")
        return claims
