"""A 3-node JetStream cluster on loopback with R3 streams: kill the CONVERSATION stream's
leader while a publisher keeps going. Every publish that JetStream acknowledged must still be
readable after a new leader took over (lost = 0); client retries after an error reuse the
Nats-Msg-Id, so nothing is stored twice (duplicated = 0)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import nats
import pytest
from checker import History, field_of, read_subject, settle
from nats.errors import Error as NatsError

from madoguchi.shared.contracts import SessionOpened
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.streams import CONVERSATION, Retention, apply_topology
from madoguchi.testing.embedded.nats import NatsServer, NatsServerConfig
from madoguchi.testing.embedded.ports import free_port

SUBJECT = "mg.v1.session.opened.cluster"


@pytest.fixture
def cluster() -> Iterator[list[NatsServer]]:
    home = Path(tempfile.mkdtemp(prefix="madoguchi-cluster-"))
    route_ports = [free_port() for _ in range(3)]
    routes = [f"nats-route://127.0.0.1:{port}" for port in route_ports]
    nodes = [
        NatsServer(NatsServerConfig(
            store_dir=home / f"n{i}" / "jetstream", server_name=f"n{i}", sync_always=True,
            cluster={"name": "madoguchi", "host": "127.0.0.1", "port": route_ports[i],
                     "routes": routes},
        ))
        for i in range(3)
    ]
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(home, ignore_errors=True)


async def test_killing_the_stream_leader_loses_nothing(
    cluster: list[NatsServer], history: Callable[[str], History],
) -> None:
    client = await nats.connect(servers=[n.url for n in cluster], max_reconnect_attempts=-1,
                                reconnect_time_wait=0.2)
    js = client.jetstream(timeout=5)
    h = history("3-node cluster, R3: stream leader killed")
    try:
        for _ in range(100):  # the meta leader needs a moment after the cluster forms
            with contextlib.suppress(Exception):
                await apply_topology(js, Retention(replicas=3,
                                                   conversation_max_age=timedelta(hours=1)))
                break
            await asyncio.sleep(0.2)
        info = await js.stream_info(CONVERSATION)
        assert info.cluster is not None and len(info.cluster.replicas or []) == 2
        leader = next(n for n in cluster if n.config.server_name == info.cluster.leader)

        async def publish(n: int) -> None:
            event = SessionOpened(event_id=f"c{n}", session_id="cluster", counter_id="c1",
                                  device_id="d1", staff_id="s1")
            deadline = asyncio.get_running_loop().time() + 60
            while asyncio.get_running_loop().time() < deadline:
                try:  # a real client retries with the same Nats-Msg-Id until acknowledged
                    await publish_event(js, event, timeout=2)
                    h.accept([event.event_id])
                    return
                except (NatsError, TimeoutError):
                    h.rejected_retryable += 1
                    await asyncio.sleep(0.25)
            raise AssertionError(f"publish c{n} not acknowledged within 60 s of retries")

        for n in range(100):
            await publish(n)
        leader.kill()
        h.fault()
        for n in range(100, 250):
            await publish(n)
        new_leader = (await js.stream_info(CONVERSATION)).cluster
        assert new_leader is not None and new_leader.leader != leader.config.server_name
        h.note = f"leader {leader.config.server_name} -> {new_leader.leader}"

        async def read() -> list[str]:
            # Right after a fail-over a read can time out (the ephemeral reader's placement,
            # the client reconnecting); a reader retries, as any consumer would.
            for _attempt in range(10):
                try:
                    raws = await read_subject(js, CONVERSATION, SUBJECT)
                except (NatsError, TimeoutError):
                    await asyncio.sleep(1)
                    continue
                return [field_of(raw, "event_id") for raw in raws]
            raise AssertionError("the stream stayed unreadable after the fail-over")

        await settle(h, read, timeout=30)
        h.check()
        leader.start()  # the old leader rejoins and catches up
    finally:
        await client.close()
