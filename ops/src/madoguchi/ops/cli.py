"""`madoguchi` — one CLI for operators and auditors.

Subcommands grow with the services: `up`/`down`/`status` (local stack), `streams apply`, and
(as they land) `devices`, `staff`, `auditors`, `models`, `audit verify`, `demo`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import typer

from madoguchi.ops import stack
from madoguchi.ops.admin import admin_nats
from madoguchi.ops.audit_cli import audit_app, auditors_app
from madoguchi.ops.cluster_cli import cluster_app
from madoguchi.ops.identity_cli import devices_app, staff_app
from madoguchi.ops.models_cli import models_app
from madoguchi.ops.voices_cli import voices_app
from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import Retention, apply_topology

app = typer.Typer(no_args_is_help=True, help="Madoguchi (窓口) operator CLI")
streams_app = typer.Typer(no_args_is_help=True, help="JetStream streams, buckets, consumers")
app.add_typer(streams_app, name="streams")
app.add_typer(models_app, name="models")
app.add_typer(voices_app, name="voices")
app.add_typer(audit_app, name="audit")
app.add_typer(auditors_app, name="auditors")
app.add_typer(devices_app, name="devices")
app.add_typer(staff_app, name="staff")
app.add_typer(cluster_app, name="cluster")

HOME_HELP = "Local stack folder (secrets, data, logs). Env: MADOGUCHI_HOME."


def _home(home: Path | None) -> Path:
    return (home or Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi"))).resolve()


@app.command()
def redact() -> None:
    """Redact JSON lines from stdin ({"text", "language"}) to stdout ({"text", "findings"})."""
    from madoguchi.ops.redact_cli import main as redact_main

    redact_main()


@app.command("check-translation")
def check_translation() -> None:
    """Meaning-check JSON lines from stdin (source, translation, back-translation) to stdout
    ({"ok", "warnings", "chrf"}): changed numbers, dates, times, terms, negation, drift."""
    from madoguchi.ops.check_translation_cli import main as check_main

    check_main()


@app.command()
def up(
    home: Path | None = typer.Option(None, help=HOME_HELP),
    detach: bool = typer.Option(False, "--detach", "-d", help="Run in the background."),
    conversation_max_age: int = typer.Option(3600, help="Seconds conversation data is kept."),
) -> None:
    """Start NATS (TLS, users, encryption at rest), PostgreSQL and every service locally."""
    paths = stack.StackPaths(_home(home))
    if detach:
        stack.start_detached(paths, conversation_max_age)
        return
    raise SystemExit(stack.run_foreground(paths, conversation_max_age))


@app.command()
def down(home: Path | None = typer.Option(None, help=HOME_HELP)) -> None:
    """Stop a stack started with `madoguchi up --detach`."""
    stopped = stack.stop_detached(stack.StackPaths(_home(home)))
    typer.echo("stack stopped" if stopped else "no stack was running")


@app.command()
def status(home: Path | None = typer.Option(None, help=HOME_HELP)) -> None:
    """Show each component of the local stack and whether it answers its health check."""
    rows = stack.health_report(stack.StackPaths(_home(home)))
    if not rows:
        typer.echo("no stack is running")
        raise typer.Exit(1)
    bad = False
    for name, where, ok in rows:
        typer.echo(f"{name:<12} {where:<40} {'ok' if ok else 'DOWN'}")
        bad |= not ok
    raise typer.Exit(1 if bad else 0)


@streams_app.command("apply")
def streams_apply(
    home: Path | None = typer.Option(None, help=HOME_HELP),
    conversation_max_age: int = typer.Option(3600, help="Seconds conversation data is kept."),
    replicas: int = typer.Option(1, help="Stream replicas (3 in a cluster)."),
) -> None:
    """Create or update streams, buckets and durable consumers (idempotent)."""

    async def apply() -> list[str]:
        nc = await connect(admin_nats(_home(home) if home or _local(home) else None), "admin")
        try:
            from datetime import timedelta

            retention = Retention(
                conversation_max_age=timedelta(seconds=conversation_max_age), replicas=replicas
            )
            return await apply_topology(nc.jetstream(), retention)
        finally:
            await nc.close()

    changes = asyncio.run(apply())
    typer.echo("\n".join(changes) if changes else "topology already up to date")


def _local(home: Path | None) -> bool:
    return stack.load_state(stack.StackPaths(_home(home))) is not None


def main() -> None:
    from madoguchi.shared.runtime.logs import quiet_known_noise

    quiet_known_noise()
    app()
