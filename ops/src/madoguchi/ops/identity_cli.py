"""`madoguchi devices add|enrol-code|list|revoke` and `madoguchi staff add|disable|unlock`.

Credentials are argon2 hashes in the `credentials` KV bucket (`madoguchi.shared.identity`).
A tablet enrols once with a one-time code (printed with an enrolment link and its QR code);
`--secret` registers a device secret instead (scripts, tablets that cannot enrol), printed once
and never stored in clear. Revoking or disabling takes effect on ingest's next request. Every
change is an `auth` audit event naming the operator (`MADOGUCHI_OPERATOR`, else user@host).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import io
import os
import socket
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
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
from madoguchi.shared.streams import CREDENTIALS_BUCKET, DEVICE_KEYS_BUCKET, LOCKOUT_BUCKET

devices_app = typer.Typer(no_args_is_help=True, help="Counter tablets and their credentials")
staff_app = typer.Typer(no_args_is_help=True, help="Staff accounts (ID + password)")
HOME = typer.Option(None, help="Local stack folder; else MADOGUCHI_ADMIN_NATS__* is used.")
ID_HELP = "Letters, digits, '-' and '_' (1-64)."
T = TypeVar("T")


def _admin_settings(home: Path | None) -> NatsSettings:
    folder = (home or Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi"))).resolve()
    local = stack.load_state(stack.StackPaths(folder)) is not None
    return admin_nats(folder if local else None)


def operator_identity() -> str:
    """Who made the change, for the audit trail: `MADOGUCHI_OPERATOR` (a ward's staff number,
    set in the operators' environment), else the login and host the command ran on."""
    if explicit := os.environ.get("MADOGUCHI_OPERATOR"):
        return explicit[:64]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"[:64]


def _run(home: Path | None, action: str, subject_id: str, attr: str,
         work: Callable[[KeyValue], Awaitable[T]], bucket: str = CREDENTIALS_BUCKET) -> T:
    async def main() -> T:
        nc = await connect(_admin_settings(home), "admin")
        try:
            js = nc.jetstream()
            result = await work(await js.key_value(bucket))
            operator = operator_identity()
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


APP_URL = typer.Option(
    None, envvar="MADOGUCHI_TABLET_URL",
    help="The tablet app's address, for the enrolment link (default: the local stack's).")
CODE_MINUTES = typer.Option(15, min=1, max=24 * 60, help="How long the code works.")


def _print_enrolment(device_id: str, code: str, minutes: int, app_url: str | None) -> None:
    """The code, and a link with it in the fragment (never sent to a server) as a QR code the
    tablet's camera opens: the app starts on enrolment with both fields filled in."""
    import qrcode

    base = (app_url or f"http://127.0.0.1:{stack.DEFAULT_PORTS['ingest']}/app/").rstrip("/")
    link = f"{base}/#enrol={device_id}:{code}"
    typer.echo(f"enrolment code for {device_id} (one use, valid {minutes} minutes):")
    typer.echo(f"  {code}")
    typer.echo(f"on the tablet: open {base}/, choose この端末の登録, enter the device ID and "
               "this code — or scan this QR code with the tablet's camera:")
    qr = qrcode.QRCode(border=2)
    qr.add_data(link)
    drawn = io.StringIO()
    qr.print_ascii(out=drawn)
    typer.echo(drawn.getvalue())
    typer.echo(f"  {link}")


@devices_app.command("add")
def devices_add(
    device_id: str = typer.Argument(..., callback=_check_id, help=ID_HELP),
    label: str = typer.Option("", help="Where the tablet is (no personal data)."),
    secret: bool = typer.Option(
        False, "--secret", help="Register a device secret instead of an enrolment code "
                                "(scripts, tablets that cannot keep a WebCrypto key)."),
    code_minutes: int = CODE_MINUTES,
    app_url: str | None = APP_URL,
    home: Path | None = HOME,
) -> None:
    """Register a tablet: prints a one-time enrolment code and its QR code (or, with
    --secret, a device secret ONCE)."""
    if secret:
        value = _run(home, "device.added", device_id, "device_id",
                     lambda kv: identity.add_device(kv, device_id, label))
        typer.echo(f"device {device_id} registered; secret (shown once):")
        typer.echo(value)
        return
    code = _run(home, "device.added", device_id, "device_id",
                lambda kv: identity.add_enrollable_device(
                    kv, device_id, label, timedelta(minutes=code_minutes)))
    typer.echo(f"device {device_id} registered")
    _print_enrolment(device_id, code, code_minutes, app_url)


@devices_app.command("enrol-code")
def devices_enrol_code(
    device_id: str = typer.Argument(..., callback=_check_id),
    code_minutes: int = CODE_MINUTES,
    app_url: str | None = APP_URL,
    home: Path | None = HOME,
) -> None:
    """A new enrolment code for a tablet (reset, replaced, or its code expired). The key it
    enrolled before stops working at once."""
    async def reissue(kv: KeyValue) -> str:
        nc = await connect(_admin_settings(home), "admin")
        try:
            keys = await nc.jetstream().key_value(DEVICE_KEYS_BUCKET)
            return await identity.new_enrolment(kv, keys, device_id,
                                                timedelta(minutes=code_minutes))
        finally:
            await nc.close()

    code = _run(home, "device.enrolment_issued", device_id, "device_id", reissue)
    _print_enrolment(device_id, code, code_minutes, app_url)


@devices_app.command("list")
def devices_list(home: Path | None = HOME) -> None:
    """List tablets: status, how they sign in (enrolled key, secret, code pending), created
    (UTC) and label. Never a secret, a code or a key."""
    async def main() -> list[tuple[identity.DeviceRecord, bool]]:
        nc = await connect(_admin_settings(home), "admin")
        try:
            js = nc.jetstream()
            keys = await js.key_value(DEVICE_KEYS_BUCKET)
            records = await identity.list_devices(await js.key_value(CREDENTIALS_BUCKET))
            return [(r, await identity.get_device_key(keys, r.device_id) is not None)
                    for r in records]
        finally:
            await nc.close()

    rows = asyncio.run(main())
    typer.echo(f"{'DEVICE':<24} {'STATUS':<8} {'SIGN-IN':<13} {'CREATED (UTC)':<17} LABEL")
    for record, enrolled in rows:
        how = ("enrolled key" if enrolled else "secret" if record.secret_hash
               else "code pending" if record.enrolment else "none")
        typer.echo(f"{record.device_id:<24} {record.status:<8} {how:<13} "
                   f"{record.created_at:%Y-%m-%d %H:%M}  {record.label}")


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


@staff_app.command("unlock")
def staff_unlock(staff_id: str = typer.Argument(..., callback=_check_id),
                 home: Path | None = HOME) -> None:
    """Lift a lock-out after failed sign-ins now, instead of waiting for it to expire."""
    async def unlock(lockouts: KeyValue) -> bool:
        from nats.js.errors import KeyNotFoundError

        try:
            entry = await lockouts.get(identity.lockout_key("staff", staff_id))
        except KeyNotFoundError:
            return False
        with contextlib.suppress(KeyNotFoundError):
            await lockouts.delete(identity.lockout_key("staff", staff_id))
        return bool(entry.value)

    was_locked = _run(home, "staff.unlocked", staff_id, "staff_id", unlock,
                      bucket=LOCKOUT_BUCKET)
    typer.echo(f"staff {staff_id} unlocked" if was_locked
               else f"staff {staff_id} had no failed sign-ins recorded")
