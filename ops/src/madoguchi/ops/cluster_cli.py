"""`madoguchi cluster check` (see cluster_check.py for what is checked and why)."""

from __future__ import annotations

from pathlib import Path

import typer

from madoguchi.ops.cluster_check import (
    JAPANESE_REGIONS,
    check_all,
    load_live,
    load_manifests,
    render_report,
)

cluster_app = typer.Typer(no_args_is_help=True, help="Compliance checks of a deployment")


@cluster_app.command("check")
def check(
    manifests: list[Path] = typer.Option(
        [], "--manifests", "-f", help="Rendered manifests (files or folders) instead of a live "
        "cluster, e.g. the output of `helm template`."),
    namespace: str = typer.Option("madoguchi", help="Namespace of the release."),
    allowed_region: list[str] = typer.Option(
        [], "--allowed-region", help="Allowed regions (default: the chart's Japanese list)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output for CI."),
) -> None:
    """Default-deny, policy coverage, residency, Pod Security, digests, NATS TLS, secrets."""
    objects = load_manifests(manifests) if manifests else load_live(namespace)
    findings = check_all(objects, namespace, set(allowed_region) or set(JAPANESE_REGIONS))
    typer.echo(render_report(findings, as_json))
    raise typer.Exit(0 if all(f.ok for f in findings) else 1)
