"""`madoguchi devices add|list|revoke` and `madoguchi staff add|disable`.

Credentials are argon2 hashes in the `credentials` KV bucket (`madoguchi.shared.identity`);
a device secret is printed once at registration and never stored in clear. Revoking or
disabling takes effect on ingest's next request. Every change is an `auth` audit event.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from nats.js.kv import KeyValue

from madoguchi.ops import stack
from madoguchi.ops.admin import admin_nats
from madoguchi.shared import identity
from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.settings import NatsSettings
from madoguchi.shared.streams import CREDENTIALS_BUCKET

devices_app = typer.Typer(no_args_is_help=True, help="Counter tablets and their credentials")
staff_app = typer.Typer(no_args_is_help=True, help="Staff accounts (ID + password)")
HOME = typer.Option(None, help="Local stack folder; else MADOGUCHI_ADMIN_NATS__* is used.")
ID_HELP = "Letters, digits, '-' and '_' (1-64)."
T = TypeVar("T")


def _admin_settings(home: Path | None) -> NatsSettings:
    folder = (home or Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi"))).resolve()
    local = stack.load_state(stack.StackPaths(folder)) is not None
    return admin_nats(folder if local else None)


def _run(home: Path | None, action: str, subject_id: str, attr: str,
         work: Callable[[KeyValue], Awaitable[T]]) -> T:
    async def main() -> T:
        nc = await connect(_admin_settings(home), "admin")
        try:
            js = nc.jetstream()
            result = await work(await js.key_value(CREDENTIALS_BUCKET))
            operator = os.environ.get("USER", "operator")[:64]
            await publish_event(js, AuditEvent(
                kind="auth", action=action, outcome="success",
                actor=AuditActor(service="ops"),
                attributes={attr: subject_id, "operator": operator}))
            return result
        finally:
            await nc.close()

    try:
        return asyncio.run(main())
    except identity.IdentityError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _check_id(value: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value):
        raise typer.BadParameter(ID_HELP)
    return value


@devices_app.command("add")
def devices_add(
    device_id: str = typer.Argument(..., callback=_check_id, help=ID_HELP),
    label: str = typer.Option("", help="Where the tablet is (no personal data)."),
    home: Path | None = HOME,
) -> None:
    """Register a tablet; prints its secret ONCE (configure it on the tablet now)."""
    secret = _run(home, "device.added", device_id, "device_id",
                  lambda kv: identity.add_device(kv, device_id, label))
    typer.echo(f"device {device_id} registered; secret (shown once):")
    typer.echo(secret)


@devices_app.command("list")
def devices_list(home: Path | None = HOME) -> None:
    """List tablets and whether they are active or revoked (never their secrets)."""
    async def main() -> list[identity.DeviceRecord]:
        nc = await connect(_admin_settings(home), "admin")
        try:
            return await identity.list_devices(
                await nc.jetstream().key_value(CREDENTIALS_BUCKET))
        finally:
            await nc.close()

    for record in asyncio.run(main()):
        typer.echo(f"{record.device_id:<24} {record.status:<8} "
                   f"{record.created_at:%Y-%m-%d %H:%M} {record.label}")


@devices_app.command("revoke")
def devices_revoke(device_id: str = typer.Argument(..., callback=_check_id),
                   home: Path | None = HOME) -> None:
    """Revoke a tablet: its tokens stop working on the next request."""
    _run(home, "device.revoked", device_id, "device_id",
         lambda kv: identity.revoke_device(kv, device_id))
    typer.echo(f"device {device_id} revoked")


@staff_app.command("add")
def staff_add(
    staff_id: str = typer.Argument(..., callback=_check_id, help=ID_HELP),
    password_stdin: bool = typer.Option(False, help="Read the password from stdin (scripts)."),
    home: Path | None = HOME,
) -> None:
    """Create a staff account; the password is prompted (hidden) or read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    _run(home, "staff.added", staff_id, "staff_id",
         lambda kv: identity.add_staff(kv, staff_id, password))
    typer.echo(f"staff {staff_id} created")


@staff_app.command("disable")
def staff_disable(staff_id: str = typer.Argument(..., callback=_check_id),
                  home: Path | None = HOME) -> None:
    """Disable a staff account: its sign-ins and tokens stop working at once."""
    _run(home, "staff.disabled", staff_id, "staff_id",
         lambda kv: identity.disable_staff(kv, staff_id))
    typer.echo(f"staff {staff_id} disabled")
