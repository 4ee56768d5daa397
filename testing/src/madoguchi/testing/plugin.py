"""pytest plugin (registered as `madoguchi` via the pytest11 entry point).

Fixtures start real servers from PyPI wheels on free loopback ports, in temp folders, and stop
them afterwards:

- `nats_server`: plain JetStream server (no auth), function scoped, milliseconds to start;
- `jetstream`: an admin JetStream context on `nats_server` with the Madoguchi topology applied;
- `secure_nats`: TLS + one user per service with permissions from the contracts + encryption
  at rest + topology applied; `secure_nats.settings_for("audit")` gives that service's settings;
- `postgres_server` (session) and `postgres_dsn` (a fresh database per test).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
import pytest_asyncio
from nats.aio.client import Client
from nats.js.client import JetStreamContext

from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import apply_topology
from madoguchi.testing.cluster import SecureNats, secure_nats_server
from madoguchi.testing.embedded.nats import NatsServer, NatsServerConfig
from madoguchi.testing.embedded.postgres import PostgresServer


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(NatsServerConfig(store_dir=tmp_path / "nats" / "jetstream")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture
async def nats_client(nats_server: NatsServer) -> AsyncIterator[Client]:
    client = await nats.connect(nats_server.url)
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def jetstream(nats_client: Client) -> JetStreamContext:
    js = nats_client.jetstream()
    await apply_topology(js)
    return js


@pytest.fixture
def secure_nats_unapplied(tmp_path: Path) -> Iterator[SecureNats]:
    secure = secure_nats_server(tmp_path / "secure-nats")
    try:
        yield secure
    finally:
        secure.server.stop()


@pytest_asyncio.fixture
async def secure_nats(secure_nats_unapplied: SecureNats) -> SecureNats:
    client = await connect(secure_nats_unapplied.admin(), "admin")
    try:
        await apply_topology(client.jetstream())
    finally:
        await client.close()
    return secure_nats_unapplied


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # Not under pytest's numbered temp dirs: a concurrent pytest run prunes those (keeping the
    # newest three) and would pull the data directory out from under a live server.
    home = Path(tempfile.mkdtemp(prefix="madoguchi-pg-"))
    server = PostgresServer(home / "data").start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    """A DSN for a brand-new database, dropped after the test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.dsn(name)
    finally:
        with psycopg.connect(postgres_server.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
