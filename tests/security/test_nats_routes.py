"""Attack: join the NATS cluster as a rogue server (issue 16.13, "route TLS untested live").

Three real nats-server processes form a cluster with the route settings the chart hands to the
official NATS chart (`nats.config.cluster.tls` in values.yaml: the routes' own CA, `verify`),
laid out as that chart writes them (`cluster { tls { cert_file, key_file, <merge> } }`, routes
dialled as `tls://`; its files/config/cluster.yaml and tls.yaml). Then a fourth server that
reaches the route port tries to join: with a certificate from another CA, and without TLS. It
must get no route, and it must see none of the cluster's messages.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
import yaml

from madoguchi.testing.embedded.nats import NatsServer, NatsServerConfig
from madoguchi.testing.embedded.ports import free_port
from madoguchi.testing.embedded.tls import TlsFiles, make_loopback_tls

CHART_VALUES = Path(__file__).parents[2] / "charts" / "madoguchi" / "values.yaml"


def _chart_route_tls() -> dict[str, Any]:
    """What the chart merges into the routes' TLS block (ca_file is the mounted CA's path)."""
    values = yaml.safe_load(CHART_VALUES.read_text(encoding="utf-8"))
    tls = values["nats"]["config"]["cluster"]["tls"]
    assert tls["enabled"] and tls["secretName"]
    return dict(tls["merge"])


def _route_tls(files: TlsFiles | None) -> dict[str, Any] | None:
    if files is None:
        return None
    return {**_chart_route_tls(), "cert_file": str(files.cert_file),
            "key_file": str(files.key_file), "ca_file": str(files.ca_file)}


def _node(home: Path, name: str, route_port: int, routes: list[int],
          tls: TlsFiles | None, *, attacker: bool = False) -> NatsServer:
    cluster: dict[str, Any] = {
        "name": "madoguchi", "host": "127.0.0.1", "port": route_port, "no_advertise": True,
        "routes": [f"{'tls' if tls else 'nats'}://127.0.0.1:{p}" for p in routes]}
    if tls is not None and attacker:
        # The attacker's own server trusts anything it dials: only the cluster can refuse.
        cluster["tls"] = {"cert_file": str(tls.cert_file), "key_file": str(tls.key_file),
                          "insecure": True, "timeout": 3}
    elif tls is not None:
        cluster["tls"] = _route_tls(tls)
    return NatsServer(NatsServerConfig(store_dir=home / name / "jetstream", server_name=name,
                                       monitor_port=free_port(), cluster=cluster))


def _routes(node: NatsServer) -> list[dict[str, Any]]:
    url = f"http://127.0.0.1:{node.config.monitor_port}/routez"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return list(json.load(answer).get("routes") or [])


def _peers(node: NatsServer) -> set[str]:
    return {r.get("remote_name") or r.get("remote_id") for r in _routes(node)}


def _wait_for(check: Any, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def cluster() -> Iterator[tuple[Path, list[int], list[NatsServer]]]:
    home = Path(tempfile.mkdtemp(prefix="madoguchi-routes-"))
    ports = [free_port() for _ in range(3)]
    tls = make_loopback_tls(home / "routes-ca", "madoguchi-nats-routes", peer=True)
    nodes = [_node(home, f"n{i}", ports[i], ports, tls) for i in range(3)]
    try:
        for node in nodes:
            node.start()
        assert _wait_for(lambda: all(len(_peers(n)) == 2 for n in nodes)), \
            "the three servers with the routes' certificate did not form a cluster"
        yield home, ports, nodes
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("rogue", ["other_ca", "no_tls"])
def test_a_rogue_server_cannot_join_the_cluster(
    cluster: tuple[Path, list[int], list[NatsServer]], rogue: str,
) -> None:
    home, ports, nodes = cluster
    foreign = (make_loopback_tls(home / "rogue-ca", "rogue", peer=True)
               if rogue == "other_ca" else None)
    intruder = _node(home, "rogue", free_port(), ports, foreign, attacker=True).start()
    try:
        # It dials every route port for a while; none may accept it, and it learns no peer.
        time.sleep(4)
        assert _routes(intruder) == []
        for node in nodes:
            assert _peers(node) == {n.config.server_name for n in nodes} - {
                node.config.server_name}, f"{node.config.server_name} admitted the rogue"
        assert asyncio.run(_seen_by(intruder, nodes[0])) == []
        refused = "TLS route handshake error" if rogue == "other_ca" else "TLS Handshake Failure"
        logs = "".join(n.log_file.read_text(errors="replace") for n in nodes)
        assert refused in logs, [line for line in logs.splitlines() if "ERR" in line][:5]
    finally:
        intruder.stop()


def test_the_chart_routes_are_mutual_tls_and_carry_traffic(
    cluster: tuple[Path, list[int], list[NatsServer]],
) -> None:
    """The control: with the routes' certificate the servers do route each other's messages,
    over TLS with the peer's certificate verified (the chart's `verify: true`)."""
    home, ports, nodes = cluster
    assert _chart_route_tls()["verify"] is True
    assert asyncio.run(_seen_by(nodes[2], nodes[0])) == [b"x"]
    routes_tls = make_loopback_tls(home / "routes-ca", "madoguchi-nats-routes", peer=True)
    # A TLS client with the routes' certificate completes the handshake with the route port
    # and is shown a certificate of the routes' CA; one without a certificate, or forcing one
    # of another CA on the server (Go's own client would not even send it), is refused.
    issuer = _route_handshake(ports[0], routes_tls, routes_tls)
    assert issuer is not None and "madoguchi-nats-routes CA" in issuer
    foreign = make_loopback_tls(home / "forced-ca", "forced", peer=True)
    for presented in (None, foreign):
        with pytest.raises((ssl.SSLError, ConnectionError)):
            _route_handshake(ports[0], routes_tls, presented)


def _route_handshake(port: int, trusted: TlsFiles, presented: TlsFiles | None) -> str | None:
    """TLS to a route port as a peer would dial it; the server certificate's issuer."""
    context = ssl.create_default_context(cafile=str(trusted.ca_file))
    if presented is not None:
        context.load_cert_chain(str(presented.cert_file), str(presented.key_file))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.settimeout(3)
        # TLS 1.3: a missing client certificate is reported on the first read, not in the
        # handshake; the route sends its INFO once the handshake is done.
        first = tls.recv(64)
        if not first:
            raise ConnectionError("the route port closed the connection")
        cert = tls.getpeercert() or {}
        return ", ".join(v for rdn in cert.get("issuer", ()) for k, v in rdn if k == "commonName")


async def _seen_by(listener: NatsServer, publisher: NatsServer) -> list[bytes]:
    """What a subscriber on `listener` receives of a message published on `publisher`."""
    sub_client = await nats.connect(listener.url)
    pub_client = await nats.connect(publisher.url)
    try:
        sub = await sub_client.subscribe("mg.v1.probe")
        await sub_client.flush()
        await asyncio.sleep(0.5)  # interest travels over the routes
        await pub_client.publish("mg.v1.probe", b"x")
        await pub_client.flush()
        seen = []
        try:
            while True:
                seen.append((await sub.next_msg(timeout=1.5)).data)
        except nats.errors.TimeoutError:
            return seen
    finally:
        await sub_client.close()
        await pub_client.close()
