"""Request size caps, per-device rate limits, CORS only for configured origins, headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

from madoguchi.ingest.settings import AudioSettings, LimitSettings
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.harness import (
    admin_client,
    enrol,
    ingest_settings,
    open_session,
    running_ingest,
    sign_in,
)


async def test_oversized_bodies_are_refused_while_streaming(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, audio=AudioSettings(max_bytes=64 * 1024),
                               limits=LimitSettings(max_json_bytes=2048))
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
        url = f"/v1/sessions/{sid}/utterances?speaker=staff"
        declared = await http.post(url, content=b"\0" * 70_000,
                                   headers=auth | {"Idempotency-Key": "a"})
        assert declared.status_code == 413

        async def endless() -> AsyncIterator[bytes]:  # chunked: no Content-Length to trust
            for _ in range(100):
                yield b"\0" * 16_384

        chunked = await http.post(url, content=endless(), headers=auth | {"Idempotency-Key": "b"})
        assert chunked.status_code == 413
        big_json = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                                   json={"speaker": "staff", "text": "x" * 5000})
        assert big_json.status_code == 413
    await admin.close()


async def test_rate_limit_per_device(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    other = await enrol(admin, device_id="tablet-2", staff_id="staff-2")
    settings = ingest_settings(secure_nats, limits=LimitSettings(requests_per_minute=1, burst=3))
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth, auth2 = await sign_in(http, tablet), await sign_in(http, other)
        statuses = [(await http.get("/v1/languages", headers=auth)).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        assert (await http.get("/v1/languages", headers=auth2)).status_code == 200
    await admin.close()


async def test_cors_only_for_configured_origins_and_security_headers(
    secure_nats: SecureNats,
) -> None:
    settings = ingest_settings(secure_nats, cors_origins=["https://tablet.city.example"])
    async with running_ingest(settings) as ingest, ingest.client() as http:
        preflight = {"Access-Control-Request-Method": "POST"}
        ok = await http.options("/v1/sessions", headers=preflight | {
            "Origin": "https://tablet.city.example"})
        assert ok.headers.get("access-control-allow-origin") == "https://tablet.city.example"
        evil = await http.options("/v1/sessions", headers=preflight | {
            "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in evil.headers
        r = await http.get("/healthz")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        r = await http.get("/healthz", headers={"Origin": "https://tablet.city.example"})
        assert "access-control-allow-origin" not in r.headers
