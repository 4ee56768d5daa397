"""Synthesis as the chart deploys it: a stage worker like recognition and translation (NATS-only
egress, KEDA on its consumer, the models volume read-only), its Helm values in its environment,
a writable emptyDir for the Kokoro model, and `enabled: false` leaving every object out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import helm_python as helm
import pytest
from chartkit import Objects

from madoguchi.shared.streams import consumer_for

NAME = "madoguchi-synthesis"
COMPONENT = "app.kubernetes.io/component"
PER_SERVICE_KINDS = {"Deployment", "ServiceAccount", "Service", "NetworkPolicy",
                     "PodDisruptionBudget", "ScaledObject"}


def _objects(objects: Objects) -> dict[str, dict[str, Any]]:
    return {o["kind"]: o for o in objects if o["metadata"]["name"] == NAME}


def _pod(objects: Objects) -> dict[str, Any]:
    spec: dict[str, Any] = _objects(objects)["Deployment"]["spec"]["template"]["spec"]
    return spec


def _env(objects: Objects) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom"))
            for e in _pod(objects)["containers"][0]["env"]}


def test_the_same_objects_as_the_other_stage_workers(default_objects: Objects) -> None:
    mine = _objects(default_objects)
    assert set(mine) == PER_SERVICE_KINDS
    translation = {o["kind"] for o in default_objects
                   if o["metadata"]["name"] == "madoguchi-translation"}
    assert translation == PER_SERVICE_KINDS
    container = _pod(default_objects)["containers"][0]
    assert container["image"] == "ghcr.io/madoguchi/madoguchi-synthesis:0.1.0"
    assert container["args"] == ["python", "-m", "madoguchi.synthesis"]
    assert container["resources"] == {"requests": {"cpu": "1", "memory": "1536Mi"},
                                      "limits": {"cpu": "2", "memory": "2Gi"}}
    assert _pod(default_objects)["serviceAccountName"] == NAME


def test_nats_connection_like_the_others(default_objects: Objects) -> None:
    env = _env(default_objects)
    assert env["MADOGUCHI_ENV"] == "prod"
    assert env["MADOGUCHI_SYNTHESIS_NATS__URL"] == "tls://madoguchi-nats:4222"
    assert env["MADOGUCHI_SYNTHESIS_NATS__USER"] == "synthesis"
    assert env["MADOGUCHI_SYNTHESIS_NATS__PASSWORD"] == {
        "secretKeyRef": {"name": "madoguchi-nats-users", "key": "synthesis"}}
    assert env["MADOGUCHI_SYNTHESIS_NATS__CA_FILE"] == "/etc/madoguchi/nats-ca/ca.crt"
    translation = next(o for o in default_objects if o["kind"] == "Deployment"
                       and o["metadata"]["name"] == "madoguchi-translation")
    theirs = {e["name"].replace("TRANSLATION", "SYNTHESIS") for e in
              translation["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert theirs <= set(env)  # every setting translation gets, synthesis gets too


def test_default_settings_in_the_environment(default_objects: Objects) -> None:
    env = _env(default_objects)
    assert env["MADOGUCHI_SYNTHESIS_MODELS_DIR"] == "/models"
    assert env["MADOGUCHI_SYNTHESIS_ALLOW_NON_COMMERCIAL"] == "false"
    assert env["MADOGUCHI_SYNTHESIS_MAX_CHARS"] == "1000"
    assert env["MADOGUCHI_SYNTHESIS_THREADS"] == "2"  # the CPU limit, not the node's cores
    assert "MADOGUCHI_SYNTHESIS_VOICES" not in env  # {}: the service's own defaults


def test_helm_values_reach_the_environment(render: Callable[..., Objects]) -> None:
    voices = {"ja": "kokoro-ja-jf_alpha", "en": "piper-en_US-joe-medium",
              "pt": "espeak-ng-pt-br", "zh-Hans": "espeak-ng-cmn"}
    env = _env(render({"services": {"synthesis": {
        "voices": voices, "allowNonCommercialVoices": True, "maxChars": 400,
        "models": {"claimName": "voices-pvc", "mountPath": "/srv/models"},
        "extraEnv": [{"name": "MADOGUCHI_SYNTHESIS_LOG_LEVEL", "value": "DEBUG"}],
        "resources": {"limits": {"cpu": "3500m", "memory": "2Gi"}},
    }}}))
    assert env["MADOGUCHI_SYNTHESIS_THREADS"] == "1"  # millicores are not parsed: 1 thread
    assert json.loads(env["MADOGUCHI_SYNTHESIS_VOICES"]) == voices
    assert env["MADOGUCHI_SYNTHESIS_ALLOW_NON_COMMERCIAL"] == "true"
    assert env["MADOGUCHI_SYNTHESIS_MAX_CHARS"] == "400"
    assert env["MADOGUCHI_SYNTHESIS_MODELS_DIR"] == "/srv/models"
    assert env["MADOGUCHI_SYNTHESIS_LOG_LEVEL"] == "DEBUG"


def test_models_read_only_and_a_writable_kokoro_cache(default_objects: Objects) -> None:
    pod = _pod(default_objects)
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    assert volumes["models"]["persistentVolumeClaim"] == {
        "claimName": "madoguchi-models", "readOnly": True}
    assert mounts["/models"] == {"name": "models", "mountPath": "/models", "readOnly": True}
    cache_dir = _env(default_objects)["KOKORO_JA_CACHE"]
    assert mounts[cache_dir]["name"] == "cache" and not mounts[cache_dir].get("readOnly")
    assert volumes["cache"] == {"name": "cache", "emptyDir": {"sizeLimit": "256Mi"}}
    for other in default_objects:  # the cache is synthesis's alone
        if other["kind"] == "Deployment" and other["metadata"]["name"] != NAME:
            names = {v["name"] for v in other["spec"]["template"]["spec"]["volumes"]}
            assert "cache" not in names, other["metadata"]["name"]


def test_network_policy_is_a_stage_workers(default_objects: Objects) -> None:
    policies = {o["metadata"]["name"]: o["spec"] for o in default_objects
                if o["kind"] == "NetworkPolicy"}
    mine = policies[NAME]
    assert mine["policyTypes"] == ["Ingress", "Egress"]
    assert mine["ingress"] == []
    assert [rule["ports"] for rule in mine["egress"]] == [
        [{"port": 4222, "protocol": "TCP"}],
        [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
        [{"port": 4318, "protocol": "TCP"}],
    ]
    translation = policies["madoguchi-translation"]
    assert mine["egress"] == translation["egress"] and mine["ingress"] == translation["ingress"]
    (clients, *_) = policies["madoguchi-nats"]["ingress"]
    (expr,) = clients["from"][0]["podSelector"]["matchExpressions"]
    assert "synthesis" in expr["values"]


def test_keda_scales_on_the_synthesis_consumer(
        default_objects: Objects, render: Callable[..., Objects]) -> None:
    scaled = _objects(default_objects)["ScaledObject"]["spec"]
    assert scaled["scaleTargetRef"] == {"name": NAME}
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (1, 4)
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "nats-jetstream"
    assert trigger["metadata"]["stream"] == consumer_for("synthesis").stream == "CONVERSATION"
    assert trigger["metadata"]["consumer"] == consumer_for("synthesis").durable == "synthesis"
    assert "replicas" not in _objects(default_objects)["Deployment"]["spec"]
    fixed = _objects(render({"autoscaling": {"enabled": False},
                             "services": {"synthesis": {"replicas": 3}}}))
    assert "ScaledObject" not in fixed
    assert fixed["Deployment"]["spec"]["replicas"] == 3


def test_disabled_leaves_every_synthesis_object_out(render: Callable[..., Objects]) -> None:
    objects = render({"services": {"synthesis": {"enabled": False}}})
    assert not [f"{o['kind']}/{o['metadata']['name']}" for o in objects
                if "synthesis" in o["metadata"]["name"]
                or (o["metadata"].get("labels") or {}).get(COMPONENT) == "synthesis"]
    policy = next(o for o in objects if o["kind"] == "NetworkPolicy"
                  and o["metadata"]["name"] == "madoguchi-nats")
    (expr,) = policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchExpressions"]
    assert expr["values"] == ["ingest", "recognition", "translation", "redaction", "audit"]
    assert {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"} == {
        "madoguchi-ingest", "madoguchi-recognition", "madoguchi-translation",
        "madoguchi-redaction", "madoguchi-audit"}


@pytest.mark.parametrize("synthesis", [
    {"voices": {"ja": ""}},
    {"voices": {"Japanese": "jf_alpha"}},
    {"voices": {"en": "../../etc/passwd"}},
    {"voices": ["ja"]},
    {"maxChars": 0},
    {"maxChars": "1000"},
    {"allowNonCommercialVoices": "yes"},
    {"enabled": "false"},
    {"cache": {"sizeLimit": "lots"}},
    {"cache": {"sizeLimit": "256Mi", "medium": "Memory"}},
    {"hostNetwork": True},
])
def test_the_schema_refuses_malformed_values(
        render: Callable[..., Objects], synthesis: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmError):
        render({"services": {"synthesis": synthesis}})


def test_the_service_settings_read_the_rendered_environment(
        render: Callable[..., Objects], monkeypatch: pytest.MonkeyPatch) -> None:
    """What the pod's synthesis reads from that environment (once its settings module exists)."""
    module = pytest.importorskip("madoguchi.synthesis.settings")
    from madoguchi.shared.settings import ServiceSettings

    (settings_class,) = [c for c in vars(module).values() if isinstance(c, type)
                         and issubclass(c, ServiceSettings) and c is not ServiceSettings
                         and c.__module__ == module.__name__]
    voices = {"ja": "kokoro-ja-jf_alpha", "en": "piper-en_US-joe-medium"}
    env = _env(render({"services": {"synthesis": {
        "voices": voices, "allowNonCommercialVoices": True, "maxChars": 400}}}))
    for name, value in env.items():
        if name.startswith("MADOGUCHI_"):
            monkeypatch.setenv(name, value if isinstance(value, str) else "x" * 40)
    settings = settings_class()
    assert settings.require_secure() is settings  # a complete production configuration
    assert dict(settings.voices) == voices
    assert settings.allow_non_commercial is True
    assert settings.max_chars == 400
    assert str(settings.models_dir) == "/models"
