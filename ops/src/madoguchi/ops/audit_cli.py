"""`madoguchi audit ...` and `madoguchi auditors ...`: verify, checkpoint, accounts.

The database is found from `--dsn`, else `MADOGUCHI_AUDIT_DATABASE__DSN`, else the local stack
(`.madoguchi/secrets.json`, PostgreSQL on 127.0.0.1:15432, database `madoguchi_audit`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import psycopg
import typer

from madoguchi.audit import migrate
from madoguchi.audit.accounts import ROLES, add_auditor, disable_auditor, list_auditors
from madoguchi.audit.checkpoints import (
    export_document,
    generate_signing_key,
    import_document,
    load_signing_key,
    public_bytes,
)
from madoguchi.audit.db import ROLES as DB_ROLES
from madoguchi.audit.db import connect_app, connect_signer, create_login
from madoguchi.audit.ledger import ChainBroken, create_checkpoint
from madoguchi.audit.verify import load_checkpoints, verify_chain
from madoguchi.ops import stack

audit_app = typer.Typer(no_args_is_help=True, help="Audit trail: verify, checkpoint, export")
auditors_app = typer.Typer(no_args_is_help=True, help="Auditor accounts (roles auditor/admin)")

DSN_HELP = "Audit database URI. Env: MADOGUCHI_AUDIT_DATABASE__DSN; default: the local stack."
HOME_HELP = "Local stack folder. Env: MADOGUCHI_HOME."


def _dsn(dsn: str | None, home: Path | None) -> str:
    if dsn:
        return dsn
    if env := os.environ.get("MADOGUCHI_AUDIT_DATABASE__DSN"):
        return env
    paths = stack.StackPaths((home or Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi")))
                             .resolve())
    if not paths.secrets.exists():
        raise typer.BadParameter("no --dsn, no MADOGUCHI_AUDIT_DATABASE__DSN, no local stack")
    password = json.loads(paths.secrets.read_text())["postgres_password"]
    port = stack.DEFAULT_PORTS["postgres"]
    return f"postgresql://postgres:{password}@127.0.0.1:{port}/madoguchi_audit"


def parse_public_key(text: str) -> bytes:
    """An Ed25519 public key (32 bytes) written as hex or base64 (either alphabet); a clear
    error, never a traceback, for anything else."""
    import base64
    import binascii
    import contextlib

    value = text.strip()
    candidates: list[bytes] = []
    if len(value) == 64:
        with contextlib.suppress(ValueError):
            candidates.append(bytes.fromhex(value))
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            candidates.append(decode(value + "=" * (-len(value) % 4)))
        except (binascii.Error, ValueError):
            continue
    for raw in candidates:
        if len(raw) == 32:
            return raw
    raise typer.BadParameter("not an Ed25519 public key: give 64 hex digits or 44 base64 "
                             "characters (as `madoguchi audit checkpoint` prints it)",
                             param_hint="--public-key")


def _show_key(raw: bytes) -> str:
    import base64

    return f"{base64.b64encode(raw).decode()} (base64) = {raw.hex()} (hex)"


def _read_checkpoints(path: Path) -> list[Any]:
    try:
        return import_document(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise typer.BadParameter(f"{path} is not a checkpoint export ({type(exc).__name__})",
                                 param_hint="--checkpoints") from None


def _key_path(key_file: Path | None, home: Path | None) -> Path:
    if key_file:
        return key_file
    if env := os.environ.get("MADOGUCHI_AUDIT_SIGNING_KEY_FILE"):
        return Path(env)
    return (home or Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi"))) / "audit-signing.pem"


@audit_app.command("migrate")
def migrate_cmd(dsn: str | None = typer.Option(None, help=DSN_HELP),
                home: Path | None = typer.Option(None, help=HOME_HELP),
                down_to: int | None = typer.Option(None, help="Revert down to this version.")
                ) -> None:
    """Apply (or revert) the audit schema migrations."""
    url = _dsn(dsn, home)
    done = migrate.downgrade(url, down_to) if down_to is not None else migrate.upgrade(url)
    typer.echo(f"{'reverted' if down_to is not None else 'applied'}: {done or 'nothing'}")


@audit_app.command("login")
def login_cmd(login: str = typer.Argument(..., help="The new (or existing) LOGIN role name."),
              role: str = typer.Option("madoguchi_audit_app",
                                       help=f"One of {', '.join(DB_ROLES)}."),
              dsn: str | None = typer.Option(None, help=DSN_HELP + " (the schema owner's)"),
              home: Path | None = typer.Option(None, help=HOME_HELP),
              password: str = typer.Option(..., prompt=True, hide_input=True,
                                           confirmation_prompt=True,
                                           envvar="MADOGUCHI_AUDIT_LOGIN_PASSWORD")) -> None:
    """Create (or reset) a database login that is a member of one role only: the audit
    pods' (INSERT/SELECT) or the checkpoint signer's. Run after `madoguchi audit migrate`."""
    try:
        asyncio.run(create_login(_dsn(dsn, home), login, password, role))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"login {login} is a member of {role} only")


@audit_app.command("keygen")
def keygen(key_file: Path | None = typer.Option(None, help="Where to write the Ed25519 key."),
           home: Path | None = typer.Option(None, help=HOME_HELP)) -> None:
    """Create the checkpoint signing key (0600) and print its public key."""
    path = _key_path(key_file, home)
    key = generate_signing_key(path)
    typer.echo(f"{path}\npublic key: {_show_key(public_bytes(key.public_key()))}")


@audit_app.command("checkpoint")
def checkpoint(dsn: str | None = typer.Option(None, help=DSN_HELP),
               home: Path | None = typer.Option(None, help=HOME_HELP),
               key_file: Path | None = typer.Option(None, help="Ed25519 signing key (PEM)."),
               export: Path | None = typer.Option(None, help="Write every checkpoint here.")
               ) -> None:
    """Verify the trail, then sign a checkpoint over all rows (and export checkpoints)."""
    path = _key_path(key_file, home)
    if path.exists():
        key = load_signing_key(path)
    else:
        key = generate_signing_key(path)
        # Never silently: a new key is a new trust root auditors must pin.
        typer.echo(f"no signing key at {path}: created one (0600). Its public key, to give the "
                   f"auditors: {_show_key(public_bytes(key.public_key()))}", err=True)

    async def run() -> dict[str, object]:
        async with await connect_signer(_dsn(dsn, home)) as conn:
            try:
                made = await create_checkpoint(
                    conn, key, trusted_keys={public_bytes(key.public_key())})
            except ChainBroken as exc:
                typer.echo(json.dumps(exc.report.to_json(), indent=2))
                raise typer.Exit(1) from None
            typer.echo(f"checkpoint at {made.tree_size} rows: {made.root_hash.hex()}"
                       if made else "no new rows since the last checkpoint")
            return export_document(await load_checkpoints(conn))

    document = asyncio.run(run())
    if export:
        export.write_text(json.dumps(document, indent=2))
        typer.echo(f"exported to {export}")


@audit_app.command("verify")
def verify(dsn: str | None = typer.Option(None, help=DSN_HELP),
           home: Path | None = typer.Option(None, help=HOME_HELP),
           checkpoints: Path | None = typer.Option(
               None, help="An exported checkpoint file kept outside the database."),
           public_key: str | None = typer.Option(
               None, help="Trusted signer's Ed25519 public key, hex or base64 (as `audit "
                          "checkpoint` and the export show it); else the key file's."),
           key_file: Path | None = typer.Option(None, help="Signing key whose public key to "
                                                "trust.")) -> None:
    """Recompute the hash chain and checkpoints; print the first broken row (exit 1)."""
    trusted: set[bytes] | None = None
    if public_key:
        trusted = {parse_public_key(public_key)}
    elif (path := _key_path(key_file, home)).exists():
        trusted = {public_bytes(load_signing_key(path).public_key())}
    external = _read_checkpoints(checkpoints) if checkpoints else None

    async def run() -> bool:
        async with await connect_app(_dsn(dsn, home)) as conn:
            report = await verify_chain(conn, external=external, trusted_keys=trusted)
        typer.echo(json.dumps(report.to_json() | {"key_pinned": trusted is not None}, indent=2))
        return report.ok

    raise typer.Exit(0 if asyncio.run(run()) else 1)


@audit_app.command("verify-report")
def verify_report(report: Path = typer.Argument(..., exists=True, dir_okay=False,
                                                help="An erasure report PDF (消去報告書)."),
                  public_key: str | None = typer.Option(
                      None, help="The signer's public key (hex or base64); without it the "
                                 "signatures are checked but the signer is not pinned.")) -> None:
    """Check an erasure report offline: each certificate's row hash, its inclusion in the
    signed checkpoint and the checkpoint's signature (the PDF's attached JSON). Exit 1 when
    anything fails."""
    from madoguchi.audit.erasure_report import attached_document, verify_document

    try:
        document = attached_document(report.read_bytes())
    except (ValueError, KeyError, OSError) as exc:
        raise typer.BadParameter(str(exc), param_hint="REPORT") from None
    trusted = {parse_public_key(public_key)} if public_key else None
    problems = verify_document(document, trusted)
    typer.echo(json.dumps({"certificates": len(document.get("certificates", [])),
                           "period": document.get("period"), "key_pinned": trusted is not None,
                           "ok": not problems, "problems": problems},
                          indent=2, ensure_ascii=False))
    raise typer.Exit(1 if problems else 0)


@auditors_app.command("add")
def auditors_add(auditor_id: str,
                 role: str = typer.Option("auditor", help=f"One of {', '.join(ROLES)}."),
                 dsn: str | None = typer.Option(None, help=DSN_HELP),
                 home: Path | None = typer.Option(None, help=HOME_HELP),
                 password_stdin: bool = typer.Option(
                     False, help="Read the password from stdin (scripts); else it is "
                                 "prompted, hidden, or taken from MADOGUCHI_AUDITOR_PASSWORD.")
                 ) -> None:
    """Create (or reset) an auditor account; the password is stored as an argon2id hash.
    Never on the command line, where it would stay in the shell history."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif env := os.environ.get("MADOGUCHI_AUDITOR_PASSWORD"):
        password = env
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    url = _dsn(dsn, home)
    migrate.upgrade(url)

    async def run() -> None:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as owner:
            await add_auditor(owner, auditor_id, password, role)

    try:
        asyncio.run(run())
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"auditor {auditor_id} ({role}) saved")


@auditors_app.command("list")
def auditors_list(dsn: str | None = typer.Option(None, help=DSN_HELP),
                  home: Path | None = typer.Option(None, help=HOME_HELP)) -> None:
    """Auditor accounts: id, role, active or disabled, created (UTC). Never a password hash."""
    url = _dsn(dsn, home)

    async def run() -> list[tuple[str, str, bool, Any]]:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as owner:
            return await list_auditors(owner)

    typer.echo(f"{'AUDITOR':<24} {'ROLE':<8} {'STATUS':<9} CREATED (UTC)")
    for auditor_id, role, disabled, created in asyncio.run(run()):
        typer.echo(f"{auditor_id:<24} {role:<8} {'disabled' if disabled else 'active':<9} "
                   f"{created.astimezone(UTC):%Y-%m-%d %H:%M}")


@auditors_app.command("disable")
def auditors_disable(auditor_id: str,
                     dsn: str | None = typer.Option(None, help=DSN_HELP),
                     home: Path | None = typer.Option(None, help=HOME_HELP)) -> None:
    """Disable an auditor account: its next request is refused (403) and recorded."""
    url = _dsn(dsn, home)

    async def run() -> bool:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as owner:
            return await disable_auditor(owner, auditor_id)

    if not asyncio.run(run()):
        typer.echo(f"error: no auditor {auditor_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"auditor {auditor_id} disabled")


@audit_app.command("analyse")
def analyse_cmd(dsn: str | None = typer.Option(None, help=DSN_HELP),
                home: Path | None = typer.Option(None, help=HOME_HELP),
                days: int = typer.Option(7, min=1, help="Look back this many days."),
                retention_s: int = typer.Option(3600, help="Conversation retention (seconds)."),
                ) -> None:
    """Flag off-hours use, login-failure bursts, volume spikes and missing erasures; the
    report is appended to the trail (kind `analysis`). Exit 1 when anything was flagged."""
    from datetime import UTC, datetime, timedelta

    from madoguchi.audit.analysis import Rules, analyse, record_report, report_json
    from madoguchi.audit.store import AuditWriter

    now = datetime.now(UTC)
    since = now - timedelta(days=days)

    async def run() -> list[dict[str, object]]:
        async with await connect_app(_dsn(dsn, home)) as conn:
            flags = await analyse(conn, since, now, now,
                                  Rules(retention=timedelta(seconds=retention_s)))
            await record_report(AuditWriter(conn), flags, since, now)
            return report_json(flags)

    flags = asyncio.run(run())
    typer.echo(json.dumps({"since": since.isoformat(), "until": now.isoformat(),
                           "time_zones": {"timestamps": "UTC",
                                          "days_and_hours": "Asia/Tokyo (JST, UTC+09:00)"},
                           "flags": flags}, indent=2, ensure_ascii=False))
    raise typer.Exit(1 if flags else 0)
