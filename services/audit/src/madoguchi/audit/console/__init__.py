"""The auditor console (監査コンソール): a web app under `/console/` for the ward's privacy
officer and external auditors — sign-in with a session cookie, events, erasure certificates,
chain verification, usage charts, findings and the erasure report as a PDF.

The pages are static files next to this module (no CDN, no build step, no third-party code);
they call the same auditor API as the CLI, authenticated by the session cookie instead of HTTP
Basic. Every API call is recorded in the trail as before, and so is every page view.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
COOKIE = "mg_console"
CSRF_HEADER = "X-Madoguchi-Console"


@dataclass(frozen=True)
class ConsoleSession:
    auditor_id: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ConsoleSessions:
    """Signed, short-lived session cookies: `s1.<auditor>.<expires>.<nonce>.<mac>`.

    Nothing is stored server-side: the account is re-read from the database on every request
    (a disabled account is refused at once), and the cookie expires by itself. Replicas share
    sessions when they share `console_session_secret`."""

    def __init__(self, secret: bytes | None, ttl_s: int) -> None:
        self._key = hashlib.sha256(b"madoguchi-audit-console-v1" + (
            secret or secrets.token_bytes(32))).digest()
        self.ttl_s = ttl_s

    def issue(self, auditor_id: str) -> str:
        body = f"s1.{auditor_id}.{int(time.time()) + self.ttl_s}.{_b64(secrets.token_bytes(9))}"
        return f"{body}.{self._mac(body)}"

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def open(self, value: str | None) -> ConsoleSession | None:
        if not value or len(value) > 300:
            return None
        parts = value.split(".")
        if len(parts) != 5 or parts[0] != "s1":
            return None
        body, mac = ".".join(parts[:4]), parts[4]
        if not hmac.compare_digest(self._mac(body), mac) or not parts[2].isdigit():
            return None
        if int(parts[2]) < time.time():
            return None
        return ConsoleSession(parts[1], int(parts[2]))
