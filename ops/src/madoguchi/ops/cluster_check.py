"""`madoguchi cluster check`: does a deployment still meet the ward's checklist?

Reads Kubernetes objects (a live namespace through the API, or rendered manifests) and reports:
default-deny present (特定相手以外との通信を不可とする), every pod selected by a NetworkPolicy,
pods pinned to allowed Japanese regions (サーバは日本国内), Pod Security `restricted` labels,
images pinned by digest, NATS over TLS, and no secret or token mounted where it is not needed.
The checks are pure functions over object dicts, so the same code runs in tests on the rendered
chart and against a live cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REGION_KEY = "topology.kubernetes.io/region"
COMPONENT_LABEL = "app.kubernetes.io/component"
# Secret keys a service's pod may read besides its own NATS password (keyed by its name).
EXTRA_SECRET_KEYS = {"audit": {"dsn"}, "audit-migrate": {"dsn"}, "audit-signer": {"dsn"},
                     "ingest": {"token-secret"}}
# Secret keys a pod may mount as files besides a CA: only the signer holds the signing key.
MOUNTED_SECRET_KEYS = {"audit-signer": {"signing-key"}}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")

Obj = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    subject: str
    detail: str


def _pods(objects: Iterable[Obj]) -> Iterator[tuple[str, Obj, Obj]]:
    """(kind/name, pod metadata, pod spec) for workloads and bare pods."""
    for obj in objects:
        kind = obj.get("kind")
        name = f"{kind}/{obj.get('metadata', {}).get('name')}"
        if kind in WORKLOAD_KINDS:
            template = obj["spec"]["template"]
            yield name, template.get("metadata", {}), template.get("spec", {})
        elif kind == "CronJob":
            template = obj["spec"]["jobTemplate"]["spec"]["template"]
            yield name, template.get("metadata", {}), template.get("spec", {})
        elif kind == "Pod" and not obj.get("metadata", {}).get("ownerReferences"):
            yield name, obj.get("metadata", {}), obj.get("spec", {})


def _of_kind(objects: Iterable[Obj], kind: str) -> list[Obj]:
    return [o for o in objects if o.get("kind") == kind]


def _selects(selector: Obj, labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        present, values = labels.get(expr["key"]), set(expr.get("values") or [])
        match expr["operator"]:
            case "In" if present not in values:
                return False
            case "NotIn" if present in values:
                return False
            case "Exists" if present is None:
                return False
            case "DoesNotExist" if present is not None:
                return False
    return True


def check_default_deny(objects: list[Obj]) -> list[Finding]:
    for policy in _of_kind(objects, "NetworkPolicy"):
        spec = policy.get("spec", {})
        if (spec.get("podSelector") in ({}, None)
                and {"Ingress", "Egress"} <= set(spec.get("policyTypes") or [])
                and not spec.get("ingress") and not spec.get("egress")):
            name = policy["metadata"]["name"]
            return [Finding("default-deny", True, f"NetworkPolicy/{name}",
                            "denies all ingress and egress not explicitly allowed")]
    return [Finding("default-deny", False, "namespace",
                    "no NetworkPolicy selects every pod with empty ingress and egress")]


def check_policy_coverage(objects: list[Obj]) -> list[Finding]:
    policies = [p for p in _of_kind(objects, "NetworkPolicy")
                if p.get("spec", {}).get("podSelector") not in ({}, None)]
    findings = []
    for name, meta, _ in _pods(objects):
        labels = meta.get("labels") or {}
        covering = [p["metadata"]["name"] for p in policies
                    if _selects(p["spec"]["podSelector"], labels)]
        findings.append(Finding("policy-coverage", bool(covering), name,
                                f"selected by {', '.join(covering)}" if covering
                                else "no NetworkPolicy of its own (only default-deny)"))
    return findings


def check_residency(objects: list[Obj], allowed: set[str]) -> list[Finding]:
    findings = []
    for name, _, spec in _pods(objects):
        terms = (spec.get("affinity", {}).get("nodeAffinity", {})
                 .get("requiredDuringSchedulingIgnoredDuringExecution", {})
                 .get("nodeSelectorTerms") or [])
        regions: list[set[str]] = [
            set(expr.get("values") or [])
            for term in terms for expr in term.get("matchExpressions") or []
            if expr.get("key") == REGION_KEY and expr.get("operator") == "In"
        ]
        # Terms are ORed: every term must pin the region, or one term could escape it.
        ok = bool(terms) and len(regions) == len(terms) and all(
            r and r <= allowed for r in regions)
        found = sorted(set().union(*regions))
        findings.append(Finding(
            "residency", ok, name, f"required regions {found}" if ok else
            f"not pinned to allowed regions {sorted(allowed)} (found {found})"))
    return findings


def check_pod_security(objects: list[Obj], namespace: str) -> list[Finding]:
    for ns in _of_kind(objects, "Namespace"):
        if ns["metadata"]["name"] == namespace:
            level = (ns["metadata"].get("labels") or {}).get("pod-security.kubernetes.io/enforce")
            return [Finding("pod-security", level == "restricted", f"Namespace/{namespace}",
                            f"enforce={level}")]
    return [Finding("pod-security", False, f"Namespace/{namespace}",
                    "namespace object not found: cannot confirm Pod Security labels")]


def _containers(spec: Obj) -> list[Obj]:
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def check_images(objects: list[Obj]) -> list[Finding]:
    return [
        Finding("image-digest", "@sha256:" in c.get("image", ""), f"{name}/{c.get('name')}",
                c.get("image", "<none>"))
        for name, _, spec in _pods(objects) for c in _containers(spec)
    ]


def check_nats_tls(objects: list[Obj]) -> list[Finding]:
    findings = []
    for name, _, spec in _pods(objects):
        for container in _containers(spec):
            env = {e["name"]: e.get("value") for e in container.get("env") or []}
            for key, value in env.items():
                if key.startswith("MADOGUCHI_") and key.endswith("_NATS__URL"):
                    findings.append(Finding("nats-tls", str(value).startswith("tls://"),
                                            f"{name}/{container.get('name')}", str(value)))
            if any(k.endswith("_NATS__URL") for k in env):
                findings.append(Finding("fail-closed", env.get("MADOGUCHI_ENV") == "prod",
                                        f"{name}/{container.get('name')}",
                                        f"MADOGUCHI_ENV={env.get('MADOGUCHI_ENV')}"))
    return findings


def check_secrets(objects: list[Obj]) -> list[Finding]:
    findings = []
    for name, meta, spec in _pods(objects):
        service = (meta.get("labels") or {}).get(COMPONENT_LABEL, "")
        allowed = {service} | EXTRA_SECRET_KEYS.get(service, set())
        problems = []
        if spec.get("automountServiceAccountToken") is not False:
            problems.append("service-account token may be mounted")
        for container in _containers(spec):
            for env in container.get("env") or []:
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref and ref.get("key") not in allowed:
                    problems.append(f"reads secret key {ref.get('key')!r}")
            for source in container.get("envFrom") or []:
                if "secretRef" in source:
                    problems.append("imports a whole Secret with envFrom")
        mountable = {"ca.crt"} | MOUNTED_SECRET_KEYS.get(service, set())
        for volume in spec.get("volumes") or []:
            secret = volume.get("secret")
            keys = [i.get("key") for i in (secret or {}).get("items") or []]
            if secret and (not keys or not set(keys) <= mountable):
                problems.append(f"mounts Secret {secret.get('secretName')!r} beyond a CA")
        findings.append(Finding("secrets", not problems, name,
                                "; ".join(problems) or "only its own credentials"))
    return findings


def check_all(objects: list[Obj], namespace: str, allowed_regions: set[str]) -> list[Finding]:
    return [
        *check_default_deny(objects),
        *check_policy_coverage(objects),
        *check_residency(objects, allowed_regions),
        *check_pod_security(objects, namespace),
        *check_images(objects),
        *check_nats_tls(objects),
        *check_secrets(objects),
    ]


def load_manifests(paths: Iterable[Path]) -> list[Obj]:
    import yaml

    objects: list[Obj] = []
    for path in paths:
        files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            objects += [d for d in yaml.safe_load_all(file.read_text()) if isinstance(d, dict)]
    return objects


def load_live(namespace: str) -> list[Obj]:  # pragma: no cover - needs a reachable cluster
    """Read the namespace through the API with the caller's kubeconfig (read-only calls)."""
    from kubernetes import client, config

    config.load_kube_config()
    api = client.ApiClient()
    core, apps, net = client.CoreV1Api(api), client.AppsV1Api(api), client.NetworkingV1Api(api)

    def plain(items: Iterable[Any], kind: str) -> list[Obj]:
        out = []
        for item in items:
            data: Obj = api.sanitize_for_serialization(item)
            data["kind"] = kind
            out.append(data)
        return out

    return [
        *plain([core.read_namespace(namespace)], "Namespace"),
        *plain(net.list_namespaced_network_policy(namespace).items, "NetworkPolicy"),
        *plain(apps.list_namespaced_deployment(namespace).items, "Deployment"),
        *plain(apps.list_namespaced_stateful_set(namespace).items, "StatefulSet"),
        *plain(core.list_namespaced_pod(namespace).items, "Pod"),
    ]


def render_report(findings: list[Finding], as_json: bool) -> str:
    if as_json:
        return json.dumps({"ok": all(f.ok for f in findings),
                           "findings": [asdict(f) for f in findings]}, ensure_ascii=False,
                          indent=2)
    lines = [f"{'OK ' if f.ok else 'FAIL'} {f.check:<16} {f.subject:<45} {f.detail}"
             for f in findings]
    failed = sum(not f.ok for f in findings)
    lines.append(f"{len(findings) - failed} passed, {failed} failed")
    return "\n".join(lines)


# The chart's default allow-list (charts/madoguchi/values.yaml residency.allowedRegions).
JAPANESE_REGIONS = frozenset({
    "ap-northeast-1", "ap-northeast-3", "asia-northeast1", "asia-northeast2",
    "japaneast", "japanwest", "jp-tok", "jp-osa",
})
