"""An in-process ingest (real uvicorn, real NATS as the `ingest` user) and an admin handle."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from nats.aio.client import Client
from pydantic import SecretStr

from madoguchi.ingest.service import Ingest
from madoguchi.ingest.settings import AuthSettings, IngestSettings
from madoguchi.shared import identity
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.streams import CREDENTIALS_BUCKET
from madoguchi.testing.cluster import SecureNats

TOKEN_SECRET = "test-token-secret-0123456789abcdef"
STAFF_PASSWORD = "correct horse battery"


def ingest_settings(secure: SecureNats, **overrides: Any) -> IngestSettings:
    values: dict[str, Any] = {
        "env": "test", "nats": secure.settings_for("ingest"),
        "auth": AuthSettings(token_secret=SecretStr(TOKEN_SECRET)),
        "sse_heartbeat_s": 0.5, "sweep_interval_s": 3600,
    }
    values.update(overrides)
    return IngestSettings.model_validate(values)


@dataclass
class RunningIngest:
    runtime: ServiceRuntime
    parts: Ingest
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.runtime.http_port}"

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=20, **kwargs)


@contextlib.asynccontextmanager
async def running_ingest(settings: IngestSettings) -> AsyncIterator[RunningIngest]:
    runtime = ServiceRuntime("ingest", settings)
    parts = Ingest(settings)
    parts.attach(runtime)
    task = asyncio.create_task(runtime.serve())
    try:
        while runtime.http_port is None:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield RunningIngest(runtime, parts, task)
    finally:
        runtime.request_stop()
        await asyncio.wait_for(task, 30)


@dataclass
class Tablet:
    device_id: str
    device_secret: str
    staff_id: str
    password: str = STAFF_PASSWORD


async def admin_client(secure: SecureNats) -> Client:
    return await connect(secure.admin(), "admin")


async def enrol(admin: Client, device_id: str = "tablet-1", staff_id: str = "staff-1") -> Tablet:
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    secret = await identity.add_device(kv, device_id)
    await identity.add_staff(kv, staff_id, STAFF_PASSWORD)
    return Tablet(device_id, secret, staff_id)


async def sign_in(http: httpx.AsyncClient, tablet: Tablet) -> dict[str, str]:
    response = await http.post("/v1/auth/login", json={
        "device_id": tablet.device_id, "device_secret": tablet.device_secret,
        "staff_id": tablet.staff_id, "password": tablet.password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def open_session(http: httpx.AsyncClient, auth: dict[str, str],
                       counter_id: str = "c1") -> str:
    """Open a counter session as the signed-in tablet; its id."""
    response = await http.post("/v1/sessions", headers=auth, json={"counter_id": counter_id})
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


async def audit_events(admin: Client, kind: str) -> list[dict[str, Any]]:
    """Every AUDIT event of `kind` so far (admin reads the stream directly)."""
    import json

    from madoguchi.testing.collect import read_stored

    return [json.loads(msg.data)
            for msg in await read_stored(admin.jetstream(), "AUDIT", f"mg.v1.audit.*.{kind}.*")]


async def read_sse(http: httpx.AsyncClient, sid: str, headers: dict[str, str], count: int,
                   timeout: float = 15) -> list[dict[str, str]]:
    """The first `count` events of a session's SSE stream: `{"id", "event", "data"}` each."""
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}

    async def read() -> None:
        async with http.stream("GET", f"/v1/sessions/{sid}/events", headers=headers) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            async for line in r.aiter_lines():
                if not line:
                    if "event" in current:
                        events.append(dict(current))
                        if len(events) == count:
                            return
                    current.clear()
                    continue
                field, _, value = line.partition(": ")
                if field in ("id", "event", "data"):
                    current[field] = value

    await asyncio.wait_for(read(), timeout)
    return events


class BrowserKey:
    """What the tablet's WebCrypto does: a P-256 pair, the public half as SPKI, r‖s signatures."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())

    @property
    def spki(self) -> str:
        return base64.b64encode(self.private.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo)).decode()

    def sign(self, text: str) -> str:
        r, s = decode_dss_signature(self.private.sign(text.encode(), ec.ECDSA(hashes.SHA256())))
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
