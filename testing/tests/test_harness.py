"""The harness itself: real servers start fast, work, and stop without leaving processes."""

from __future__ import annotations

import time
from pathlib import Path

import nats
import psycopg

from madoguchi.testing.embedded.nats import NatsServer, NatsServerConfig
from madoguchi.testing.embedded.ports import port_is_free
from madoguchi.testing.embedded.postgres import PostgresServer


async def test_nats_server_has_jetstream(nats_server: NatsServer) -> None:
    client = await nats.connect(nats_server.url)
    try:
        info = await client.jetstream().account_info()
        assert info.limits is not None
    finally:
        await client.close()


def test_nats_server_starts_fast_and_leaves_nothing(tmp_path: Path) -> None:
    started = time.monotonic()
    server = NatsServer(NatsServerConfig(store_dir=tmp_path / "js")).start()
    elapsed = time.monotonic() - started
    port, process = server.config.port, server.process
    server.stop()
    assert elapsed < 1.0, f"nats-server took {elapsed:.2f}s to start"
    assert process is not None and process.poll() is not None
    assert port_is_free("127.0.0.1", port)


def test_postgres_fresh_database(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_postgres_stops_and_frees_port(tmp_path: Path) -> None:
    server = PostgresServer(tmp_path / "pg").start()
    with psycopg.connect(server.dsn()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    server.stop()
    assert server.process is not None and server.process.poll() is not None
    assert port_is_free("127.0.0.1", server.port)
