"""Chart-test helpers: render the umbrella chart offline with Helm's Go SDK (helm-python-sdk).

The official NATS chart cannot be downloaded here, so a chart copy in a temp directory gets the
clearly labelled test stub (fixtures/nats-stub) as its `charts/nats`; the repository's chart is
never modified. `render()` returns parsed objects; `lint()` returns Helm's lint report.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "madoguchi"
NATS_STUB = Path(__file__).resolve().parent / "fixtures" / "nats-stub"
NAMESPACE = "madoguchi"
RELEASE = "madoguchi"
KUBE_VERSION = "v1.34.0"
REGIONS = ["ap-northeast-1", "ap-northeast-3"]
SIGNER_PUBLIC_KEY = "5e" * 32

Values = dict[str, Any]
Objects = list[dict[str, Any]]


def base_values() -> Values:
    """A production-like value set: two AWS Japan regions, NATS region pin kept in step."""
    return {
        "residency": {"regions": list(REGIONS)},
        "namespace": {"create": True},
        "auditSigner": {"publicKey": SIGNER_PUBLIC_KEY},
        "nats": {"podTemplate": {"merge": {"spec": {"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{
                    "key": "topology.kubernetes.io/region", "operator": "In",
                    "values": list(REGIONS),
                }]}
            ]}
        }}}}}},
    }


def merge(base: Values, extra: Values) -> Values:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def render_chart(path: Path, values: Values) -> Objects:
    with helm.Chart.load(path) as chart:
        manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    objects: Objects = []
    for name, text in sorted(manifests.items()):
        if not name.endswith((".yaml", ".yml")):
            continue
        objects += [doc for doc in yaml.safe_load_all(text) if doc]
    return objects


def pods_of(objects: Objects) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind/name, pod spec) of every workload that creates pods."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield f"{obj['kind']}/{obj['metadata']['name']}", obj["spec"]["template"]["spec"]
        elif obj["kind"] == "CronJob":
            yield (f"CronJob/{obj['metadata']['name']}",
                   obj["spec"]["jobTemplate"]["spec"]["template"]["spec"])
