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


def stages() -> dict[str, tuple[str, str]]:
    """Stage name -> (its FROM base, its instructions without comments)."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in re.split(r"^(?=FROM )", DOCKERFILE, flags=re.MULTILINE)[1:]:
        first, _, body = chunk.partition("\n")
        match = re.fullmatch(r"FROM (\S+) AS (\S+)", first.strip())
        assert match is not None, first
        lines = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
        out[match.group(2)] = (match.group(1), "\n".join(lines))
    return out


def test_runtime_stage_is_non_root_without_build_tools() -> None:
    base, runtime = stages()["runtime"]
    assert base == "os-${SERVICE}"
    assert "USER 10001:10001" in runtime
    assert "/usr/local/bin/uv" not in runtime and "apt-get" not in runtime
    assert "MADOGUCHI_ENV=prod" in runtime


def test_only_synthesis_adds_a_system_package_espeak_ng() -> None:
    found = stages()
    assert found["os-plain"] == ("${PYTHON_IMAGE}", "")
    for service in SERVICES:
        if service != "synthesis":  # the plain Python image, not one layer more
            assert found[f"os-{service}"] == ("os-plain", ""), service
    base, synthesis = found["os-synthesis"]
    assert base == "${PYTHON_IMAGE}"
    installs = re.findall(r"apt-get install (.*?)(?:\s*\\?\n|\s*&&|$)", synthesis)
    assert installs == ["-y --no-install-recommends espeak-ng"], synthesis
    assert synthesis.rstrip().endswith("rm -rf /var/lib/apt/lists/*")
