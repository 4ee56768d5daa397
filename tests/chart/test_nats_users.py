"""The chart's NATS users are exactly `madoguchi.shared.permissions` (no hand-kept copy)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import helm_python as helm
import pytest
import yaml
from chartkit import CHART, Objects

from madoguchi.shared.permissions import SERVICES
from madoguchi.shared.streams import consumer_for


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "madoguchi_chart_nats_users", Path(__file__).parent / "nats_users.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chart_users() -> list[dict[str, Any]]:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    users: list[dict[str, Any]] = values["nats"]["config"]["merge"]["authorization"]["users"]
    return users


def test_values_match_the_python_permissions() -> None:
    gen = generator()
    assert chart_users() == gen.expected_users(), (
        "NATS users in charts/madoguchi/values.yaml drifted from madoguchi.shared.permissions: "
        "run `.venv/bin/python tests/chart/nats_users.py --write`"
    )
    assert gen.main([]) == 0


def test_every_user_password_comes_from_the_secret() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    env = values["nats"]["container"]["env"]
    for user in chart_users():
        var = generator().password_env(user["user"])
        assert user["password"] == f"<< ${var} >>"
        assert env[var]["valueFrom"]["secretKeyRef"] == {
            "name": "madoguchi-nats-users", "key": user["user"]}


@pytest.mark.parametrize(("extra", "message"), [
    ({"nats": {"config": {"merge": {"authorization": {"users": [
        {"user": "ingest", "password": "<< $X >>"}]}}}}}, "must be exactly"),
    ({"nats": {"config": {"merge": {"authorization": {"users": [
        {"user": u, "password": "hunter2"} for u in (*SERVICES, "admin")]}}}}},
     "environment reference"),
    ({"nats": {"config": {"nats": {"tls": {"enabled": False}}}}}, "TLS to NATS is required"),
    ({"nats": {"config": {"jetstream": {"merge": {"cipher": None, "key": None}}}}},
     "encrypted at rest"),
])
def test_guards_refuse_weakened_nats(
    extra: dict[str, Any], message: str, render: Callable[..., Objects]
) -> None:
    with pytest.raises(helm.HelmError, match=message):
        render(extra)


def test_scaled_objects_follow_the_stream_topology(default_objects: Objects) -> None:
    scaled = {o["spec"]["scaleTargetRef"]["name"]: o for o in default_objects
              if o["kind"] == "ScaledObject"}
    assert set(scaled) == {"madoguchi-recognition", "madoguchi-translation",
                           "madoguchi-synthesis"}
    for name, obj in scaled.items():
        service = name.removeprefix("madoguchi-")
        (trigger,) = obj["spec"]["triggers"]
        assert trigger["type"] == "nats-jetstream"
        assert trigger["metadata"]["stream"] == consumer_for(service).stream
        assert trigger["metadata"]["consumer"] == consumer_for(service).durable
    deployments = {o["metadata"]["name"]: o for o in default_objects if o["kind"] == "Deployment"}
    for name in scaled:
        assert "replicas" not in deployments[name]["spec"]  # KEDA owns it
