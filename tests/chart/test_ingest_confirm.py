"""Confirm before showing, as an SRE sets it per counter in values.yaml: it reaches ingest's
settings unchanged, and the schema refuses what ingest would not understand."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import helm_python as helm
import pytest

from madoguchi.ingest.settings import IngestSettings

Objects = list[dict[str, Any]]


def _ingest_env(objects: Objects) -> dict[str, str]:
    [deployment] = [o for o in objects if o["kind"] == "Deployment"
                    and o["metadata"]["name"] == "madoguchi-ingest"]
    return {e["name"]: e.get("value") for e in
            deployment["spec"]["template"]["spec"]["containers"][0]["env"]}


def test_per_counter_modes_reach_ingest_settings(
        render: Callable[..., Objects], monkeypatch: pytest.MonkeyPatch) -> None:
    env = _ingest_env(render({"services": {"ingest": {"confirmBeforeShowing": {
        "default": "warnings", "counters": {"koseki-3": "always", "info-1": "off"}}}}}))
    assert json.loads(env["MADOGUCHI_INGEST_CONFIRM__COUNTERS"]) == {
        "koseki-3": "always", "info-1": "off"}
    for name in ("MADOGUCHI_INGEST_CONFIRM__DEFAULT", "MADOGUCHI_INGEST_CONFIRM__COUNTERS"):
        monkeypatch.setenv(name, env[name])
    confirm = IngestSettings().confirm  # what the pod's ingest reads from that environment
    assert [confirm.mode(c) for c in ("koseki-3", "info-1", "other")] == [
        "always", "off", "warnings"]


def test_default_is_off(default_objects: Objects) -> None:
    env = _ingest_env(default_objects)
    assert env["MADOGUCHI_INGEST_CONFIRM__DEFAULT"] == "off"
    assert json.loads(env["MADOGUCHI_INGEST_CONFIRM__COUNTERS"]) == {}


@pytest.mark.parametrize("confirm", [
    {"default": "sometimes"},
    {"counters": {"koseki-3": "yes"}},
    {"counters": {"bad id": "always"}},
])
def test_the_schema_refuses_unknown_modes_and_ids(
        render: Callable[..., Objects], confirm: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmError):
        render({"services": {"ingest": {"confirmBeforeShowing": confirm}}})


def test_one_retention_figure_reaches_audit_and_the_receipt(
        render: Callable[..., Objects]) -> None:
    """What the erasure receipt tells the visitor (redacted content kept N days) is what the
    audit service does: both read the same value."""
    objects = render({"services": {"audit": {"contentRetentionDays": 30}}})
    [audit] = [o for o in objects if o["kind"] == "Deployment"
               and o["metadata"]["name"] == "madoguchi-audit"]
    audit_env = {e["name"]: e.get("value") for e in
                 audit["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert audit_env["MADOGUCHI_AUDIT_CONTENT_RETENTION_DAYS"] == "30"
    assert _ingest_env(objects)["MADOGUCHI_INGEST_REDACTED_CONTENT_DAYS"] == "30"
