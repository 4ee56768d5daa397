"""The one image recipe and skaffold stay in step with the services (no Docker engine here, so
the Dockerfile is checked as text: what it accepts, copies and runs as)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from madoguchi.shared.permissions import SERVICES

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = (REPO / "services" / "Dockerfile").read_text()


def test_skaffold_builds_every_service_from_the_one_dockerfile() -> None:
    config = yaml.safe_load((REPO / "skaffold.yaml").read_text())
    built = {}
    for artifact in config["build"]["artifacts"]:
        assert artifact["context"] == "."  # the repository root, so uv.lock is in the context
        assert artifact["docker"]["dockerfile"] == "services/Dockerfile"
        service = artifact["docker"]["buildArgs"]["SERVICE"]
        assert artifact["image"].endswith(f"/madoguchi-{service}")
        built[service] = artifact
    assert set(built) == set(SERVICES)
    assert not list(REPO.glob("services/*/Dockerfile")), "per-service copies drift: use SERVICE"


def test_dockerfile_accepts_exactly_the_services_and_copies_every_workspace_member() -> None:
    accepted = re.search(r'case "\$\{SERVICE\}" in ([a-z|]+)\)', DOCKERFILE)
    assert accepted is not None and set(accepted.group(1).split("|")) == set(SERVICES)
    for member in ("shared", "testing", "ops", *(f"services/{s}" for s in SERVICES)):
        assert f"COPY {member}/pyproject.toml {member}/" in DOCKERFILE


def test_runtime_stage_is_non_root_without_build_tools() -> None:
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    assert "USER 10001:10001" in runtime
    assert "/usr/local/bin/uv" not in runtime and "apt-get" not in runtime
    assert "MADOGUCHI_ENV=prod" in runtime
