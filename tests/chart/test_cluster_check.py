"""`madoguchi cluster check` over the rendered chart's objects (no API server runs here)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from madoguchi.ops.cluster_check import JAPANESE_REGIONS, Finding, check_all

DIGEST = "sha256:" + "ab" * 32
SERVICES = ("ingest", "recognition", "translation", "redaction", "synthesis", "audit")
JOBS = ("audit-migrate", "audit-signer", "audit-signer-full")  # run the audit image
Objects = list[dict]


def _pinned(render: Callable[..., Objects]) -> Objects:
    return render({"image": {"digests": dict.fromkeys(SERVICES, DIGEST)}})


def _ours(objects: Objects) -> Objects:
    """The chart's own objects (the NATS test stub stands in for a third-party chart)."""
    return [o for o in objects
            if (o["metadata"].get("labels") or {}).get("app.kubernetes.io/part-of") == "madoguchi"
            or o["kind"] == "Namespace"]


def _failed(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.check, f.subject) for f in findings if not f.ok]


def test_the_chart_passes_every_check(render: Callable[..., Objects]) -> None:
    findings = check_all(_ours(_pinned(render)), "madoguchi", set(JAPANESE_REGIONS))
    assert _failed(findings) == []
    checks = {f.check for f in findings}
    assert checks == {"default-deny", "policy-coverage", "residency", "pod-security",
                      "image-digest", "nats-tls", "fail-closed", "secrets"}
    assert sum(f.check == "residency" for f in findings) == len(SERVICES) + len(JOBS)


def test_unpinned_images_are_reported(render: Callable[..., Objects]) -> None:
    failed = _failed(check_all(_ours(render()), "madoguchi", set(JAPANESE_REGIONS)))
    assert {c for c, _ in failed} == {"image-digest"}
    assert len(failed) == len(SERVICES) + len(JOBS)


def test_each_violation_is_caught(render: Callable[..., Objects]) -> None:
    base = _ours(_pinned(render))

    def mutated(change: Callable[[Objects], None]) -> list[tuple[str, str]]:
        objects = copy.deepcopy(base)
        change(objects)
        return _failed(check_all(objects, "madoguchi", set(JAPANESE_REGIONS)))

    def deployment(objects: Objects, name: str) -> dict:
        return next(o for o in objects
                    if o["kind"] == "Deployment" and o["metadata"]["name"].endswith(name))

    def drop_default_deny(objects: Objects) -> None:
        objects[:] = [o for o in objects if not (o["kind"] == "NetworkPolicy"
                                                 and o["spec"]["podSelector"] == {})]

    def drop_audit_policy(objects: Objects) -> None:
        objects[:] = [o for o in objects if not (o["kind"] == "NetworkPolicy"
                                                 and o["metadata"]["name"].endswith("audit"))]

    def move_to_virginia(objects: Objects) -> None:
        spec = deployment(objects, "translation")["spec"]["template"]["spec"]
        term = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        term["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] = ["us-east-1"]

    def plaintext_nats(objects: Objects) -> None:
        container = deployment(objects, "redaction")["spec"]["template"]["spec"]["containers"][0]
        for env in container["env"]:
            if env["name"].endswith("_NATS__URL"):
                env["value"] = "nats://madoguchi-nats:4222"

    def borrow_a_password(objects: Objects) -> None:
        container = deployment(objects, "recognition")["spec"]["template"]["spec"]["containers"][0]
        container["env"].append({"name": "X", "valueFrom": {"secretKeyRef": {
            "name": "madoguchi-nats-users", "key": "audit"}}})

    def mount_token(objects: Objects) -> None:
        deployment(objects, "ingest")["spec"]["template"]["spec"]["automountServiceAccountToken"] \
            = True

    def relax_pod_security(objects: Objects) -> None:
        namespace = next(o for o in objects if o["kind"] == "Namespace")
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "baseline"

    assert mutated(drop_default_deny) == [("default-deny", "namespace")]
    assert mutated(drop_audit_policy) == [("policy-coverage", "Deployment/madoguchi-audit")]
    assert mutated(move_to_virginia) == [("residency", "Deployment/madoguchi-translation")]
    assert mutated(plaintext_nats) == [("nats-tls", "Deployment/madoguchi-redaction/redaction")]
    assert mutated(borrow_a_password) == [("secrets", "Deployment/madoguchi-recognition")]
    assert mutated(mount_token) == [("secrets", "Deployment/madoguchi-ingest")]
    assert mutated(relax_pod_security) == [("pod-security", "Namespace/madoguchi")]


def test_cli_reads_manifests_and_emits_json(render: Callable[..., Objects],
                                             tmp_path: Path) -> None:
    manifest = tmp_path / "rendered.yaml"
    manifest.write_text(yaml.safe_dump_all(_ours(_pinned(render))))
    result = subprocess.run(
        [sys.executable, "-m", "madoguchi.ops", "cluster", "check", "-f", str(manifest),
         "--json"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["findings"]

    result = subprocess.run(
        [sys.executable, "-m", "madoguchi.ops", "cluster", "check", "-f", str(manifest),
         "--allowed-region", "us-east-1"], capture_output=True, text=True, timeout=60,
        check=False)
    assert result.returncode == 1
    assert "FAIL residency" in result.stdout
