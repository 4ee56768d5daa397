"""Pod Security Standard "restricted" on every pod; no service-account tokens; resources set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from chartkit import Objects, pods_of

ALLOWED_VOLUME_KINDS = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret",
}


def assert_restricted(name: str, spec: dict[str, Any]) -> None:
    pod = spec.get("securityContext", {})
    assert pod.get("runAsNonRoot") is True, name
    assert pod.get("seccompProfile", {}).get("type") in ("RuntimeDefault", "Localhost"), name
    assert spec.get("automountServiceAccountToken") is False, name
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        assert not spec.get(key), (name, key)
    for volume in spec.get("volumes", []):
        assert set(volume) - {"name"} <= ALLOWED_VOLUME_KINDS, (name, volume)
    for container in spec["containers"] + spec.get("initContainers", []):
        ctx = container.get("securityContext", {})
        where = (name, container["name"])
        assert ctx.get("allowPrivilegeEscalation") is False, where
        assert ctx.get("capabilities", {}).get("drop") == ["ALL"], where
        assert not ctx.get("capabilities", {}).get("add"), where
        assert not ctx.get("privileged"), where
        assert ctx.get("readOnlyRootFilesystem") is True, where
        assert ctx.get("runAsUser", pod.get("runAsUser")) != 0, where
        assert not container.get("ports") or all("hostPort" not in p for p in container["ports"])


def test_every_pod_meets_restricted(render: Callable[..., Objects]) -> None:
    gpu = {"services": {"recognition": {"variant": "cuda", "gpu": {"enabled": True}}}}
    for objects in (render(), render(gpu)):
        pods = list(pods_of(objects))
        assert len(pods) == 10  # six services, NATS, the migration Job, the signer's two runs
        for name, spec in pods:
            assert_restricted(name, spec)


def test_restricted_check_can_fail(default_objects: Objects) -> None:
    name, spec = next(pods_of(default_objects))
    spec = {**spec, "containers": [{**spec["containers"][0], "securityContext": {}}]}
    try:
        assert_restricted(name, spec)
    except AssertionError:
        return
    raise AssertionError("an unhardened container passed the restricted check")


def test_namespace_is_labelled_restricted(default_objects: Objects) -> None:
    (namespace,) = [o for o in default_objects if o["kind"] == "Namespace"]
    labels = namespace["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_service_accounts_resources_and_pdbs(default_objects: Objects) -> None:
    accounts = [o for o in default_objects if o["kind"] == "ServiceAccount"]
    assert len(accounts) == 7  # six services; the signer has its own
    assert all(a["automountServiceAccountToken"] is False for a in accounts)
    assert len([o for o in default_objects if o["kind"] == "PodDisruptionBudget"]) == 6
    for obj in default_objects:
        if obj["kind"] == "Deployment":
            for c in obj["spec"]["template"]["spec"]["containers"]:
                assert c["resources"]["requests"] and c["resources"]["limits"], obj["metadata"]


def test_gpu_values_reach_recognition_only(render: Callable[..., Objects]) -> None:
    objects = render({"services": {"recognition": {"variant": "cuda", "gpu": {
        "enabled": True, "nodeSelector": {"madoguchi.io/gpu": "true"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }}}})
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    rec = deployments.pop("madoguchi-recognition")["spec"]["template"]["spec"]
    assert rec["nodeSelector"] == {"madoguchi.io/gpu": "true"}
    assert rec["tolerations"][0]["key"] == "nvidia.com/gpu"
    assert rec["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert rec["containers"][0]["image"].endswith("-cuda")
    assert {v["name"] for v in rec["volumes"]} >= {"models"}
    for other in deployments.values():
        assert "nodeSelector" not in other["spec"]["template"]["spec"]


def test_a_slow_start_is_not_killed_by_the_liveness_probe(
        render: Callable[..., Objects]) -> None:
    """Every service loads its models and reaches NATS before /healthz answers: a startup
    probe covers `startupSeconds` (the liveness probe's 60 s would restart a slow recognition
    start in a loop), and a ward with a larger model can give it longer."""
    objects = render({"services": {"recognition": {"startupSeconds": 1200}}})
    budgets = {}
    for obj in objects:
        if obj["kind"] != "Deployment":
            continue
        [container] = obj["spec"]["template"]["spec"]["containers"]
        startup, liveness = container["startupProbe"], container["livenessProbe"]
        assert startup["httpGet"] == liveness["httpGet"] == {"path": "/healthz", "port": "http"}
        budgets[obj["metadata"]["name"]] = startup["periodSeconds"] * startup["failureThreshold"]
    assert budgets["madoguchi-recognition"] == 1200
    assert budgets["madoguchi-ingest"] == 60 and budgets["madoguchi-redaction"] == 180
    assert len(budgets) == 6 and min(budgets.values()) >= 60
    with pytest.raises(Exception, match="startupSeconds"):
        render({"services": {"ingest": {"startupSeconds": 1}}})
