"""Tamper evidence in the Helm deployment (issue 16.6) and mutual TLS on NATS routes (16.13).

The chart must keep three duties apart: migrations run as the schema owner in a hook Job; the
audit pods log in with an INSERT/SELECT-only DSN, never migrate and hold no signing key; the
signer is its own CronJob with the key, and verification pins its public key. And the routes
between NATS servers must be mutually authenticated TLS, or rendering fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from chartkit import CHART, SIGNER_PUBLIC_KEY, Objects, pods_of

Render = Callable[..., Objects]


def _env(spec: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom"))
            for container in spec["containers"] for e in container.get("env") or []}


def _secret_names(spec: dict[str, Any]) -> set[str]:
    names = {v["secretKeyRef"]["name"] for v in _env(spec).values()
             if isinstance(v, dict) and "secretKeyRef" in v}
    return names | {v["secret"]["secretName"] for v in spec.get("volumes") or [] if "secret" in v}


def _pod(objects: Objects, name: str) -> dict[str, Any]:
    return next(spec for where, spec in pods_of(objects) if where == name)


def test_audit_pods_neither_migrate_nor_sign_and_pin_the_signer(render: Render) -> None:
    objects = render()
    audit = _pod(objects, "Deployment/madoguchi-audit")
    env = _env(audit)
    assert env["MADOGUCHI_AUDIT_MIGRATE_ON_START"] == "false"
    assert env["MADOGUCHI_AUDIT_CHECKPOINT_PUBLIC_KEY"] == SIGNER_PUBLIC_KEY
    assert env["MADOGUCHI_AUDIT_DATABASE__DSN"]["secretKeyRef"]["name"] == "madoguchi-audit-dsn"
    assert _secret_names(audit) == {"madoguchi-audit-dsn", "madoguchi-nats-users",
                                    "madoguchi-nats-ca"}
    for where, spec in pods_of(objects):  # the key and the owner's DSN: one pod each
        if not where.startswith("CronJob/madoguchi-audit-signer"):
            assert "madoguchi-audit-signing-key" not in _secret_names(spec), where
        if where != "Job/madoguchi-audit-migrate":
            assert "madoguchi-audit-owner-dsn" not in _secret_names(spec), where


def test_migrations_run_as_the_owner_in_a_hook_job_before_the_pods(render: Render) -> None:
    objects = render()
    job = next(o for o in objects if o["kind"] == "Job"
               and o["metadata"]["name"] == "madoguchi-audit-migrate")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    spec = job["spec"]["template"]["spec"]
    assert spec["containers"][0]["args"] == ["python", "-m", "madoguchi.audit.migrate"]
    assert _secret_names(spec) == {"madoguchi-audit-owner-dsn"}  # no NATS, no key
    policy = next(o for o in objects if o["kind"] == "NetworkPolicy"
                  and o["metadata"]["name"] == "madoguchi-audit-migrate")
    assert policy["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(policy["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0  # before the Job


@pytest.mark.parametrize(("name", "args"), [
    ("madoguchi-audit-signer", ["--once"]),  # every 5 min: the rows since its last checkpoint
    ("madoguchi-audit-signer-full", ["--once", "--full"]),  # daily: every row
])
def test_the_signer_is_its_own_cronjob_with_its_own_key_and_login(
        render: Render, name: str, args: list[str]) -> None:
    objects = render({"auditSigner": {"fullSchedule": "5 4 * * *"}})
    spec = _pod(objects, f"CronJob/{name}")
    assert spec["containers"][0]["args"] == ["python", "-m", "madoguchi.audit.signer", *args]
    assert spec["serviceAccountName"] == "madoguchi-audit-signer"
    assert _secret_names(spec) == {"madoguchi-audit-signer-dsn", "madoguchi-audit-signing-key"}
    assert not any(k.startswith("MADOGUCHI_AUDIT_SIGNER_NATS") for k in _env(spec))
    (volume,) = [v for v in spec["volumes"] if "secret" in v]
    assert volume["secret"]["items"] == [{"key": "signing-key", "path": "signing-key.pem"}]
    job = next(o for o in objects if o["kind"] == "CronJob" and o["metadata"]["name"] == name)
    assert job["spec"]["timeZone"] == "Asia/Tokyo" and job["spec"]["concurrencyPolicy"] == "Forbid"
    full = name.endswith("-full")
    assert job["spec"]["schedule"] == ("5 4 * * *" if full else "*/5 * * * *")
    assert job["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"] == (3600 if full else 240)


def test_rendering_fails_without_the_signers_public_key(render: Render) -> None:
    with pytest.raises(Exception, match=r"auditSigner\.publicKey is required"):
        render({"auditSigner": {"publicKey": ""}})


@pytest.mark.parametrize("routes", [
    {"enabled": False},
    {"merge": {"verify": False}},
    {"merge": {"ca_file": ""}},
])
def test_nats_routes_must_stay_mutual_tls(render: Render, routes: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="routes between NATS servers"):
        render({"nats": {"config": {"cluster": {"tls": routes}}}})


def test_routes_are_mutual_tls_by_default(render: Render) -> None:
    assert render()  # the guard passed on the chart's defaults, which are these:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    routes = values["nats"]["config"]["cluster"]["tls"]
    assert routes["enabled"] and routes["merge"]["verify"] is True
    assert routes["merge"]["ca_file"].endswith("ca.crt")


def test_rotated_out_keys_stay_trusted_by_the_pods_and_the_signer(render: Render) -> None:
    old = "0a" * 32
    objects = render({"auditSigner": {"previousPublicKeys": [old]}})
    audit = _env(_pod(objects, "Deployment/madoguchi-audit"))
    assert audit["MADOGUCHI_AUDIT_CHECKPOINT_PUBLIC_KEY"] == f"{SIGNER_PUBLIC_KEY},{old}"
    signer = _env(_pod(objects, "CronJob/madoguchi-audit-signer"))
    assert signer["MADOGUCHI_AUDIT_SIGNER_PREVIOUS_PUBLIC_KEYS"] == old
