"""Token buckets and the sign-in guard shared by the ingest and auditor APIs. In memory, per
replica: N replicas allow N times the rate (the ingress controller adds a global limit in
production)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, burst: int) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if len(self._buckets) > 100_000:  # bounded memory against id spraying
            self._buckets.clear()
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True


class LoginGuard:
    """What a sign-in may cost: attempts per client address and in all (token buckets, per
    replica), and at most `hash_concurrency` argon2 verifications at once — so a flood of bad
    logins is answered 429 instead of pushing the service over its memory limit."""

    def __init__(self, per_source: RateLimiter, overall: RateLimiter, hash_concurrency: int,
                 ) -> None:
        self._per_source = per_source
        self._overall = overall
        self._hashing = asyncio.Semaphore(hash_concurrency)

    def admit(self, source: str) -> bool:
        return self._per_source.allow(f"login:{source}") and self._overall.allow("login")

    async def verify(self, check: Callable[[], bool]) -> bool:
        """Run one password check (argon2: memory-hard) in a thread, a bounded few at once."""
        async with self._hashing:
            return await asyncio.to_thread(check)
