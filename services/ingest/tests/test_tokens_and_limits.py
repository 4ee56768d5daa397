from __future__ import annotations

import time

import pytest

from madoguchi.ingest.tokens import InvalidToken, TokenSigner
from madoguchi.shared.ratelimit import RateLimiter
from madoguchi.shared.settings import InsecureSettingsError

pytestmark = pytest.mark.fast


def test_token_round_trip_and_tampering() -> None:
    signer = TokenSigner(b"k" * 32, ttl_s=60)
    token, claims = signer.issue("tablet-1", "staff-1")
    assert signer.verify(token) == claims
    with pytest.raises(InvalidToken):
        TokenSigner(b"x" * 32, ttl_s=60).verify(token)  # another key
    head, payload, mac = token.split(".")
    with pytest.raises(InvalidToken):
        signer.verify(f"{head}.{payload}x.{mac}")
    with pytest.raises(InvalidToken):
        signer.verify("garbage")


def test_expired_tokens_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TokenSigner(b"k" * 32, ttl_s=60)
    token, _ = signer.issue("tablet-1", "staff-1")
    monkeypatch.setattr(time, "time", lambda: 10**11)
    with pytest.raises(InvalidToken, match="expired"):
        signer.verify(token)


def test_rate_limiter_burst_then_refuse() -> None:
    limiter = RateLimiter(per_minute=1, burst=2)
    assert [limiter.allow("d") for _ in range(3)] == [True, True, False]
    assert limiter.allow("other")


def test_token_secret_is_required_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import SecretStr

    from madoguchi.ingest.settings import IngestSettings
    from madoguchi.shared.settings import NatsSettings

    nats = NatsSettings(url="tls://127.0.0.1:1", user="ingest",
                        password=SecretStr("a-real-password-123"))
    with pytest.raises(InsecureSettingsError, match=r"auth\.token_secret"):
        IngestSettings(env="prod", nats=nats).require_secure()


async def test_an_expired_token_no_longer_authorizes_an_open_stream() -> None:
    import time
    from typing import Any, cast

    from madoguchi.ingest.auth import Principal, still_authorized

    # The expiry is decided before any credential lookup (no context needed to refuse).
    expired = Principal("tablet-1", "staff-1", expires_at=int(time.time()) - 1)
    assert await still_authorized(cast(Any, None), expired) is False
