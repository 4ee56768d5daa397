"""`python -m madoguchi.ingest` as the local stack runs it: prod mode, TLS, its own NATS user.
Refuses to start without a token secret; with one, becomes ready and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx

from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.ports import free_port


def _env(secure: SecureNats, port: int, token_secret: str | None) -> dict[str, str]:
    nats = secure.settings_for("ingest")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_ENV": "prod",
        "MADOGUCHI_INGEST_NATS__URL": nats.url,
        "MADOGUCHI_INGEST_NATS__USER": "ingest",
        "MADOGUCHI_INGEST_NATS__PASSWORD": nats.password.get_secret_value(),  # type: ignore[union-attr]
        "MADOGUCHI_INGEST_NATS__CA_FILE": str(nats.ca_file),
        "MADOGUCHI_INGEST_HTTP__PORT": str(port),
    }
    if token_secret:
        env["MADOGUCHI_INGEST_AUTH__TOKEN_SECRET"] = token_secret
    return env


async def test_refuses_to_start_without_token_secret(secure_nats: SecureNats) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "madoguchi.ingest", env=_env(secure_nats, free_port(), None),
        stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert b"auth.token_secret" in err


async def test_starts_ready_and_stops_on_sigterm(secure_nats: SecureNats) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "madoguchi.ingest",
        env=_env(secure_nats, port, "a-generated-secret-of-enough-length"),
        stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(300):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            ready = await http.get("/readyz")
            assert ready.json()["checks"] == {"nats": True, "consumer": True, "buckets": True}
            assert (await http.get("/v1/languages")).status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
