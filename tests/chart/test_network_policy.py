"""The exact approved connection set, computed by np-guard (network-config-analyzer).

The rendered chart plus the peers it expects around it (DNS, OTLP collector, the two ingress
controllers, PostgreSQL, KEDA) and a rogue pod in another namespace are fed to `nca
--connectivity`. Every connection that touches the madoguchi namespace must be in APPROVED, and
every approved one must be there: anything else (a wrong port, another namespace, audit to the
CONVERSATION-side services, anything but audit to PostgreSQL) fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from chartkit import NAMESPACE, REPO, Objects

NCA = "network-config-analyzer==2.1.0"
SERVICES = ("ingest", "recognition", "translation", "redaction", "synthesis", "audit")
TCP = "{protocols:TCP,dst_ports:%d}"
DNS = "{protocols:TCP, UDP,dst_ports:53}"

PEERS = [  # (namespace, deployment, pod labels)
    ("kube-system", "kube-dns", {"k8s-app": "kube-dns"}),
    ("observability", "otel-collector", {"app.kubernetes.io/name": "opentelemetry-collector"}),
    ("ingress-tablets", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}),
    ("ingress-auditors", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}),
    ("postgres", "madoguchi-audit-db", {"cnpg.io/cluster": "madoguchi-audit"}),
    ("keda", "keda-operator", {"app": "keda-operator"}),
    # Same pod labels as an ingress controller, but in a namespace nobody approved.
    ("other", "rogue", {"app.kubernetes.io/name": "ingress-nginx", "k8s-app": "kube-dns"}),
]


def ep(namespace: str, name: str, kind: str = "Deployment") -> str:
    return f"{namespace}/{name}[{kind}]"


def approved(
    autoscaling: bool = True, services: tuple[str, ...] = SERVICES
) -> set[tuple[str, str, str]]:
    nats = ep(NAMESPACE, "madoguchi-nats", "StatefulSet")
    edges = {
        (ep("ingress-tablets", "ingress-nginx"), ep(NAMESPACE, "madoguchi-ingest"), TCP % 8080),
        (ep("ingress-auditors", "ingress-nginx"), ep(NAMESPACE, "madoguchi-audit"), TCP % 8080),
        (ep(NAMESPACE, "madoguchi-audit"), ep("postgres", "madoguchi-audit-db"), TCP % 5432),
        # NATS route traffic (6222) between its own replicas is intra-workload: np-guard
        # folds a workload's pods into one endpoint and does not list self-edges.
        (nats, ep("kube-system", "kube-dns"), DNS),
    }
    # The audit schema migration Job and the checkpoint signer reach PostgreSQL and DNS only.
    for job in (ep(NAMESPACE, "madoguchi-audit-migrate", "Job"),
                ep(NAMESPACE, "madoguchi-audit-signer", "CronJob"),
                ep(NAMESPACE, "madoguchi-audit-signer-full", "CronJob")):
        edges |= {(job, ep("postgres", "madoguchi-audit-db"), TCP % 5432),
                  (job, ep("kube-system", "kube-dns"), DNS)}
    for service in services:
        src = ep(NAMESPACE, f"madoguchi-{service}")
        edges |= {
            (src, nats, TCP % 4222),
            (src, ep("kube-system", "kube-dns"), DNS),
            (src, ep("observability", "otel-collector"), TCP % 4318),
        }
    if autoscaling:
        edges.add((ep("keda", "keda-operator"), nats, TCP % 8222))
    return edges


def peer_objects() -> Objects:
    objects: Objects = []
    for namespace in sorted({ns for ns, _, _ in PEERS}):
        objects.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {
            "name": namespace, "labels": {"kubernetes.io/metadata.name": namespace}}})
    for namespace, name, labels in PEERS:
        objects.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"selector": {"matchLabels": labels}, "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "example:1"}]}}},
        })
    return objects


def uv_binary() -> str:
    candidates = (os.environ.get("UV"), str(REPO / ".tools" / "bin" / "uv"), shutil.which("uv"))
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise AssertionError("uv is needed to run network-config-analyzer (make sync installs it)")


def connectivity(objects: Objects, tmp_path: Path) -> set[tuple[str, str, str]]:
    manifest = tmp_path / "cluster.yaml"
    manifest.write_text(yaml.safe_dump_all(objects + peer_objects()))
    # np-guard pins pyyaml==6.0.2 (and more), which the workspace lock cannot share with
    # presidio, so it runs from its own pinned tool environment.
    result = subprocess.run(
        [uv_binary(), "tool", "run", "--quiet", "--from", NCA, "nca",
         "--connectivity", str(manifest), "--resource_list", str(manifest),
         "--output_format", "txt_no_fw_rules"],
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    edges = set()
    for line in result.stdout.splitlines():
        if " => " not in line or " : " not in line:
            continue
        pair, conn = line.split(" : ", 1)
        src, dst = pair.split(" => ")
        if f"{NAMESPACE}/" in src or f"{NAMESPACE}/" in dst:
            edges.add((src.strip(), dst.strip(), conn.strip()))
    assert edges, result.stdout
    return edges


@pytest.fixture(scope="module")
def default_edges(
    default_objects: Objects, tmp_path_factory: pytest.TempPathFactory
) -> set[tuple[str, str, str]]:
    return connectivity(default_objects, tmp_path_factory.mktemp("nca"))


def test_allowed_connections_are_exactly_the_approved_set(
    default_edges: set[tuple[str, str, str]],
) -> None:
    unexpected = default_edges - approved()
    missing = approved() - default_edges
    assert not unexpected and not missing, {"unexpected": unexpected, "missing": missing}


@pytest.mark.parametrize(("src", "dst"), [
    (ep("other", "rogue"), ep(NAMESPACE, "madoguchi-ingest")),       # another namespace
    (ep("other", "rogue"), ep(NAMESPACE, "madoguchi-nats", "StatefulSet")),
    (ep("ingress-tablets", "ingress-nginx"), ep(NAMESPACE, "madoguchi-audit")),  # wrong controller
    (ep("ingress-auditors", "ingress-nginx"), ep(NAMESPACE, "madoguchi-ingest")),
    (ep(NAMESPACE, "madoguchi-audit"), ep(NAMESPACE, "madoguchi-recognition")),  # CONVERSATION side
    (ep(NAMESPACE, "madoguchi-audit"), ep(NAMESPACE, "madoguchi-translation")),
    (ep(NAMESPACE, "madoguchi-audit"), ep(NAMESPACE, "madoguchi-ingest")),
    (ep(NAMESPACE, "madoguchi-ingest"), ep("postgres", "madoguchi-audit-db")),  # only audit → PG
    (ep(NAMESPACE, "madoguchi-redaction"), ep("postgres", "madoguchi-audit-db")),
    (ep(NAMESPACE, "madoguchi-recognition"), ep("postgres", "madoguchi-audit-db")),
    (ep(NAMESPACE, "madoguchi-ingest"), ep(NAMESPACE, "madoguchi-recognition")),  # NATS only
    (ep(NAMESPACE, "madoguchi-recognition"), ep("other", "rogue")),
    (ep(NAMESPACE, "madoguchi-translation"), "0.0.0.0-255.255.255.255"),  # no internet egress
    (ep(NAMESPACE, "madoguchi-synthesis"), "0.0.0.0-255.255.255.255"),  # voices are local files
    (ep(NAMESPACE, "madoguchi-synthesis"), ep("postgres", "madoguchi-audit-db")),
    (ep(NAMESPACE, "madoguchi-synthesis"), ep(NAMESPACE, "madoguchi-ingest")),  # NATS only
    (ep(NAMESPACE, "madoguchi-synthesis"), ep("other", "rogue")),
    (ep(NAMESPACE, "madoguchi-audit"), ep(NAMESPACE, "madoguchi-synthesis")),
    (ep("ingress-tablets", "ingress-nginx"), ep(NAMESPACE, "madoguchi-synthesis")),
    (ep("other", "rogue"), ep(NAMESPACE, "madoguchi-synthesis")),
])
def test_denied(src: str, dst: str, default_edges: set[tuple[str, str, str]]) -> None:
    assert not [e for e in default_edges if e[0] == src and e[1] == dst]


def test_wrong_ports_are_denied(default_edges: set[tuple[str, str, str]]) -> None:
    nats = ep(NAMESPACE, "madoguchi-nats", "StatefulSet")
    to_nats = {conn for src, dst, conn in default_edges
               if dst == nats and src == ep(NAMESPACE, "madoguchi-ingest")}
    assert to_nats == {TCP % 4222}  # not the monitoring (8222) or route (6222) ports
    pg = ep("postgres", "madoguchi-audit-db")
    to_pg = {conn for src, dst, conn in default_edges if dst == pg}
    assert to_pg == {TCP % 5432}


def test_without_autoscaling_keda_has_no_edge(
    render: Callable[..., Objects], tmp_path: Path
) -> None:
    edges = connectivity(render({"autoscaling": {"enabled": False}}), tmp_path)
    assert edges == approved(autoscaling=False)


def test_without_synthesis_its_edges_are_gone(
    render: Callable[..., Objects], tmp_path: Path
) -> None:
    edges = connectivity(render({"services": {"synthesis": {"enabled": False}}}), tmp_path)
    without = tuple(s for s in SERVICES if s != "synthesis")
    assert edges == approved(services=without)


def test_analysis_detects_an_extra_edge(default_objects: Objects, tmp_path: Path) -> None:
    # The checker must be able to fail: a permissive policy shows up as unexpected edges.
    leak: dict[str, Any] = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "leak", "namespace": NAMESPACE},
        "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]},
    }
    edges = connectivity([*default_objects, leak], tmp_path)
    assert edges - approved()
