"""The stack under measurement: a TLS NATS with per-service users and the topology, real
service processes (`python -m madoguchi.<service>`), and a tablet-like client.

Services run exactly as deployed except where a benchmark engine or the test-fixture
translation model is selected: those are refused in prod, so those processes get
`MADOGUCHI_ENV=test` (which only relaxes the secret-strength check; TLS and the per-service
NATS users stay). Everything listens on 127.0.0.1 and free ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import apply_topology
from madoguchi.testing.cluster import SecureNats, secure_nats_server
from madoguchi.testing.embedded.ports import die_with_parent
from madoguchi.testing.embedded.services import ServiceProcess, service_env
from madoguchi.testing.ingest.harness import TOKEN_SECRET, Tablet, admin_client, enrol, sign_in

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_MODEL = ROOT / "services" / "translation" / "tests" / "fixture_model"
FIXTURE_CORPUS = ROOT / "services" / "translation" / "fixture_model" / "corpus.tsv"


def fixture_sentences(column: int, limit: int = 40) -> list[str]:
    """The fixture model's training corpus: Japanese (column 0) or English (1) sentences, the
    ones it translates well (the benchmark measures the services, not the toy model)."""
    pairs = [line.split("\t") for line in FIXTURE_CORPUS.read_text().splitlines()
             if line and not line.startswith("#") and "\t" in line]
    return [pair[column] for pair in pairs][:limit]
UNLIMITED = {"LIMITS__REQUESTS_PER_MINUTE": "10000000", "LIMITS__BURST": "1000000"}


class BenchProcess(ServiceProcess):
    """A ServiceProcess whose MADOGUCHI_ENV may be `test` (benchmark engines, test fixture)."""

    def __init__(self, service: str, nats: SecureNats, log_dir: Path,
                 extra_env: Mapping[str, str] | None = None, env: str = "prod") -> None:
        super().__init__(service, nats.settings_for(service), log_dir, extra_env)
        self.env = env

    def start(self, wait_ready: float = 180.0) -> BenchProcess:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        environ = service_env(self.service, self.nats, self.http_port, self.extra_env)
        environ["MADOGUCHI_ENV"] = self.env
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"madoguchi.{self.service}"], env=environ,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent,
            )
        if wait_ready:
            self.wait_ready(wait_ready)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


async def start_nats(directory: Path, monitor_port: int | None = None) -> SecureNats:
    secure = secure_nats_server(directory, monitor_port=monitor_port)
    client = await connect(secure.admin(), "admin")
    try:
        await apply_topology(client.jetstream())
    finally:
        await client.close()
    return secure


def ingest_process(secure: SecureNats, log_dir: Path) -> BenchProcess:
    # Rate limits lifted: one benchmark "tablet" sends what a whole floor of counters would.
    return BenchProcess("ingest", secure, log_dir,
                        {"AUTH__TOKEN_SECRET": TOKEN_SECRET, **UNLIMITED})


@dataclass
class Session:
    """One signed-in tablet session, with an SSE reader resolving per-utterance waiters."""

    http: httpx.AsyncClient
    auth: dict[str, str]
    session_id: str
    arrivals: dict[tuple[str, str], float] = field(default_factory=dict)
    waiters: dict[tuple[str, str], asyncio.Future[float]] = field(default_factory=dict)
    payloads: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None

    def wait_for(self, kind: str, utterance_id: str) -> asyncio.Future[float]:
        key = (kind, utterance_id)
        future = self.waiters.get(key)
        if future is None or future.cancelled():  # wait_for() cancels on its timeout
            future = asyncio.get_running_loop().create_future()
            self.waiters[key] = future
            if key in self.arrivals:
                future.set_result(self.arrivals[key])
        return future

    async def _read(self, url: str, ready: asyncio.Event) -> None:
        event: dict[str, str] = {}
        async with self.http.stream("GET", url, headers=self.auth, timeout=None) as response:
            response.raise_for_status()
            ready.set()
            async for line in response.aiter_lines():
                if line:
                    name, _, value = line.partition(": ")
                    event[name] = value
                    continue
                if "event" in event and "data" in event:
                    now = time.perf_counter()
                    data = json.loads(event["data"])
                    key = (event["event"], str(data.get("utterance_id", "")))
                    self.arrivals[key] = now
                    self.payloads[key] = data
                    future = self.waiters.get(key)
                    if future is not None and not future.done():
                        future.set_result(now)
                event = {}

    async def listen(self) -> None:
        ready = asyncio.Event()
        self.reader = asyncio.create_task(
            self._read(f"/v1/sessions/{self.session_id}/events", ready))
        await asyncio.wait_for(ready.wait(), 10)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader
        with contextlib.suppress(httpx.HTTPError):
            await self.http.post(f"/v1/sessions/{self.session_id}/close", headers=self.auth)


@contextlib.asynccontextmanager
async def tablet_session(secure: SecureNats, ingest_url: str, device: str,
                         visitor_language: str = "en") -> AsyncIterator[Session]:
    admin = await admin_client(secure)
    try:
        tablet: Tablet = await enrol(admin, device_id=device, staff_id=f"staff-{device}")
    finally:
        await admin.close()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=ingest_url, timeout=60, limits=limits) as http:
        auth = await sign_in(http, tablet)
        opened = await http.post("/v1/sessions", headers=auth, json={
            "counter_id": "bench-1", "visitor_language": visitor_language})
        opened.raise_for_status()
        session = Session(http, auth, opened.json()["session_id"])
        await session.listen()
        try:
            yield session
        finally:
            await session.close()


def messages_sent_by(monitor_port: int, service: str) -> int:
    """Messages the service's connections have sent to the server so far (publishes, requests,
    acks, pull requests): the server's own count, from its monitoring endpoint (`/connz`)."""
    import urllib.request

    url = f"http://127.0.0.1:{monitor_port}/connz?limit=1024"
    with urllib.request.urlopen(url, timeout=5) as response:
        connections = json.loads(response.read())["connections"]
    return sum(int(c.get("in_msgs", 0)) for c in connections
               if c.get("name") == f"madoguchi-{service}")
