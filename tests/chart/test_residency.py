"""Domestic data residency: every pod requires a node in an allowed Japanese region."""

from __future__ import annotations

from collections.abc import Callable

import helm_python as helm
import pytest
from chartkit import REGIONS, Objects, pods_of

REGION_KEY = "topology.kubernetes.io/region"


def test_every_pod_requires_the_configured_regions(default_objects: Objects) -> None:
    pods = list(pods_of(default_objects))
    assert {name for name, _ in pods} >= {
        "Deployment/madoguchi-ingest", "StatefulSet/madoguchi-nats", "Deployment/madoguchi-audit",
    }
    for name, spec in pods:
        terms = spec["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        assert terms == [{"matchExpressions": [
            {"key": REGION_KEY, "operator": "In", "values": REGIONS}
        ]}], name


@pytest.mark.parametrize(("regions", "message"), [
    ([], "residency.regions is empty"),
    (["ap-northeast-2"], "ap-northeast-2"),  # Seoul: close, but not Japan
    (["ap-northeast-1", "us-east-1"], "us-east-1"),
])
def test_render_fails_outside_japan(
    regions: list[str], message: str, render: Callable[..., Objects]
) -> None:
    with pytest.raises(helm.HelmError, match=message):
        render({"residency": {"regions": regions}})


def test_nats_region_pin_must_match(render: Callable[..., Objects]) -> None:
    drifted = {"nats": {"podTemplate": {"merge": {"spec": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": REGION_KEY, "operator": "In", "values": ["us-east-1"]}]}
        ]}}}}}}}}
    with pytest.raises(helm.HelmError, match=r"must equal residency\.regions"):
        render(drifted)


def test_allow_list_is_a_value(render: Callable[..., Objects]) -> None:
    # An on-premises data centre in Japan with its own region label, added deliberately.
    objects = render({"residency": {
        "regions": ["jp-kanagawa-dc1"],
        "allowedRegions": ["jp-kanagawa-dc1"],
    }, "nats": {"enabled": False}, "natsClient": {"url": "tls://nats.example:4222"}})
    for _, spec in pods_of(objects):
        expr = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
            "nodeSelectorTerms"][0]["matchExpressions"][0]
        assert expr["values"] == ["jp-kanagawa-dc1"]
