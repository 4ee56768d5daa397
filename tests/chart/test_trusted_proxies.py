"""`ingress.<service>.trustedProxies`: the ingress controller's pods, from which ingest and the
auditor API believe X-Forwarded-For (their per-client sign-in limits). It reaches the services'
settings unchanged, is absent by default (the header ignored), and the schema refuses what is
not an address or a CIDR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from madoguchi.audit.settings import AuditSettings
from madoguchi.ingest.settings import IngestSettings

Objects = list[dict[str, Any]]
CIDRS = ["10.42.0.0/16", "fd00:42::/56"]


def _env(objects: Objects, name: str) -> dict[str, str]:
    [deployment] = [o for o in objects if o["kind"] == "Deployment"
                    and o["metadata"]["name"] == name]
    return {e["name"]: e.get("value") for e in
            deployment["spec"]["template"]["spec"]["containers"][0]["env"]}


def test_the_controllers_cidrs_reach_ingest_and_audit(
        render: Callable[..., Objects], monkeypatch: pytest.MonkeyPatch) -> None:
    objects = render({"ingress": {"ingest": {"trustedProxies": CIDRS},
                                  "audit": {"trustedProxies": CIDRS[:1]}}})
    for service, settings, wanted in (("ingest", IngestSettings, CIDRS),
                                      ("audit", AuditSettings, CIDRS[:1])):
        name = f"MADOGUCHI_{service.upper()}_HTTP__FORWARDED_ALLOW_IPS"
        monkeypatch.setenv(name, _env(objects, f"madoguchi-{service}")[name])
        assert settings().http.forwarded_allow_ips == wanted  # what the pod reads
    for worker in ("recognition", "translation", "redaction", "synthesis"):
        assert not any("FORWARDED" in k for k in _env(objects, f"madoguchi-{worker}"))


def test_by_default_no_proxy_is_trusted(default_objects: Objects) -> None:
    for service in ("ingest", "audit"):
        assert not any("FORWARDED" in k for k in _env(default_objects, f"madoguchi-{service}"))


@pytest.mark.parametrize("bad", ["ingress-nginx.svc", "10.0.0.0/8,0.0.0.0/0 ", "*"])
def test_the_schema_refuses_what_is_not_an_address(
        render: Callable[..., Objects], bad: str) -> None:
    with pytest.raises(Exception, match="trustedProxies"):
        render({"ingress": {"ingest": {"trustedProxies": [bad]}}})
