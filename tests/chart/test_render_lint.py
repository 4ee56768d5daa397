"""Render + lint (Helm's Go SDK, warnings are failures) and strict validation of every object."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
from chartkit import KUBE_VERSION, NAMESPACE, Objects, base_values, merge, render_chart

SCALEDOBJECT_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "keda-scaledobject-v1alpha1.json").read_text()
)

VALUE_SETS: dict[str, dict[str, Any]] = {
    "default": {},
    "gpu-cuda": {"services": {"recognition": {"variant": "cuda", "gpu": {
        "enabled": True, "nodeSelector": {"madoguchi.io/gpu": "true"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }}}},
    "no-autoscaling": {"autoscaling": {"enabled": False}},
    "no-synthesis": {"services": {"synthesis": {"enabled": False}}},
    "synthesis-voices": {"services": {"synthesis": {
        "voices": {"ja": "kokoro-ja-jf_alpha", "en": "piper-en_US-joe-medium",
                   "pt": "espeak-ng-pt-br", "zh-Hans": "espeak-ng-cmn"},
        "allowNonCommercialVoices": True, "maxChars": 400,
        "extraEnv": [{"name": "MADOGUCHI_SYNTHESIS_LOG_LEVEL", "value": "DEBUG"}],
    }}},
    "external-postgres-and-digests": {
        "postgresql": {"cidrs": ["10.20.0.0/24"]},
        "image": {"digests": {"audit": "sha256:" + "a" * 64}},
    },
}


def lint_report(path: Path, values: dict[str, Any]) -> dict[str, Any]:
    return helm.lint(path, values, strict=True, namespace=NAMESPACE, kube_version=KUBE_VERSION)


def validate_strict(obj: dict[str, Any]) -> None:
    if obj["kind"] == "ScaledObject":
        jsonschema.Draft202012Validator(SCALEDOBJECT_SCHEMA).validate(obj)
    else:
        kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)


@pytest.mark.parametrize("name", sorted(VALUE_SETS))
def test_lint_is_clean_and_every_object_validates_strictly(
    name: str, chart_with_stub: Path, render: Callable[..., Objects]
) -> None:
    values = merge(base_values(), VALUE_SETS[name])
    report = lint_report(chart_with_stub, values)
    assert report["errors"] == [], report
    assert [m for m in report["messages"] if m["severity"] >= 2] == [], report
    objects = render(VALUE_SETS[name])
    assert len(objects) > 30
    for obj in objects:
        validate_strict(obj)


def test_strict_validation_can_fail(default_objects: Objects) -> None:
    deployment = next(o for o in default_objects if o["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate_strict(broken)
    scaled = json.loads(json.dumps(next(o for o in default_objects if o["kind"] == "ScaledObject")))
    scaled["spec"]["triggers"][0]["metadata"]["lagTreshold"] = "5"
    with pytest.raises(jsonschema.ValidationError):
        validate_strict(scaled)


def test_missing_nats_dependency_is_caught_not_rendered_as_nothing(bare_chart: Path) -> None:
    report = lint_report(bare_chart, base_values())
    assert any("missing these dependencies: nats" in e for e in report["errors"]), report
    with pytest.raises(helm.HelmError, match="NATS subchart is missing"):
        render_chart(bare_chart, base_values())


def test_external_nats_renders_without_the_dependency(bare_chart: Path) -> None:
    values = merge(base_values(), {
        "nats": {"enabled": False}, "natsClient": {"url": "tls://nats.messaging.svc:4222"},
    })
    objects = render_chart(bare_chart, values)
    assert not [o for o in objects if "nats" in o["metadata"]["name"]]
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    assert len(deployments) == 6
    for dep in deployments:
        container = dep["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert "tls://nats.messaging.svc:4222" in env.values()
    without_url = merge(base_values(), {"nats": {"enabled": False}})
    with pytest.raises(helm.HelmError, match=r"natsClient\.url is required"):
        render_chart(bare_chart, without_url)


@pytest.mark.parametrize("extra", [
    {"unknownTopLevel": 1},
    {"services": {"ingest": {
        "replicas": 1, "resources": {"requests": {}, "limits": {}}, "hostNetwork": True}}},
    {"network": {"dns": {"namespaceSelector": {}, "podSelector": {}, "ipBlock": "0.0.0.0/0"}}},
    {"residency": {"regionz": ["ap-northeast-1"]}},
    {"image": {"tag": "latest"}},
])
def test_schema_rejects_unknown_keys_and_latest(
    extra: dict[str, Any], render: Callable[..., Objects]
) -> None:
    with pytest.raises(helm.HelmError):
        render(extra)


def test_no_latest_tags_and_digest_pinning(render: Callable[..., Objects]) -> None:
    objects = render({"image": {"digests": {"ingest": "sha256:" + "b" * 64}}})
    images = {
        c["image"]
        for o in objects if o["kind"] in ("Deployment", "StatefulSet")
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    for image in images:
        assert ":" in image.split("/")[-1] and ":latest" not in image, image
    assert "ghcr.io/madoguchi/madoguchi-ingest:0.1.0@sha256:" + "b" * 64 in images
    assert "ghcr.io/madoguchi/madoguchi-recognition:0.1.0-cpu" in images
