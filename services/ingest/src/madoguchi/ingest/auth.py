"""Sign-in (device credential + staff id/password -> session token) and per-request checks.

Every request is attributable to (device, staff). Device and staff records are re-read from
the credentials bucket on every request: a revocation or a disabled account is refused on the
very next request, on every replica, without a restart. Consecutive failed logins lock the
device or staff account for `auth.lockout_s`. Every login, failure and lock-out is audited.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from fastapi import HTTPException, Request
from nats.js.errors import KeyNotFoundError

from madoguchi.ingest.context import IngestContext
from madoguchi.ingest.tokens import InvalidToken
from madoguchi.shared import identity
from madoguchi.shared.identity import LockoutRecord

PrincipalKind = Literal["device", "staff"]


@dataclass(frozen=True)
class Principal:
    device_id: str
    staff_id: str


def context_of(request: Request) -> IngestContext:
    ctx: IngestContext | None = getattr(request.app.state, "ingest", None)
    if ctx is None:
        raise HTTPException(503, "ingest is starting")
    return ctx


def _refuse(status: int, reason: str) -> HTTPException:
    return HTTPException(status, reason, headers={"WWW-Authenticate": "Bearer"}
                         if status == 401 else None)


async def _lockout(ctx: IngestContext, kind: PrincipalKind, principal: str) -> LockoutRecord:
    try:
        entry = await ctx.credentials.get(identity.lockout_key(kind, principal))
    except KeyNotFoundError:
        return LockoutRecord()
    return LockoutRecord.model_validate_json(entry.value) if entry.value else LockoutRecord()


async def _is_locked(ctx: IngestContext, kind: PrincipalKind, principal: str) -> bool:
    record = await _lockout(ctx, kind, principal)
    return record.locked_until is not None and record.locked_until > datetime.now(UTC)


async def _record_failure(ctx: IngestContext, kind: PrincipalKind, principal: str) -> bool:
    """Count a failure; returns True when this failure locks the principal out."""
    record = await _lockout(ctx, kind, principal)
    failures = record.failures + 1
    locked_until = None
    if failures >= ctx.settings.auth.max_failures:
        locked_until = datetime.now(UTC) + timedelta(seconds=ctx.settings.auth.lockout_s)
        failures = 0
    await ctx.credentials.put(
        identity.lockout_key(kind, principal),
        LockoutRecord(failures=failures, locked_until=locked_until).model_dump_json().encode(),
    )
    return locked_until is not None


async def _clear_failures(ctx: IngestContext, kind: PrincipalKind, principal: str) -> None:
    if (await _lockout(ctx, kind, principal)).failures:
        await ctx.credentials.delete(identity.lockout_key(kind, principal))


async def login(ctx: IngestContext, device_id: str, device_secret: str, staff_id: str,
                password: str) -> tuple[str, int]:
    """Returns (token, expires_at) or raises 401/423 — after auditing the attempt."""
    ids = {"device_id": device_id, "staff_id": staff_id}
    for kind, principal in (("device", device_id), ("staff", staff_id)):
        if await _is_locked(ctx, kind, principal):  # type: ignore[arg-type]
            await ctx.audit("auth", "login", "denied", **ids, reason_code=f"{kind}_locked")
            raise _refuse(423, "too many failed sign-ins: try again later")
    device = await identity.get_device(ctx.credentials, device_id)
    device_ok = await asyncio.to_thread(
        identity.verify_secret, device.secret_hash if device else None, device_secret)
    if not device_ok or device is None or device.status != "active":
        locked = await _record_failure(ctx, "device", device_id)
        code = "device_revoked" if device and device.status == "revoked" and device_ok \
            else "bad_device_credential"
        await ctx.audit("auth", "login", "failure", **ids, reason_code=code, locked_out=locked)
        raise _refuse(401, "device not registered, revoked, or wrong device secret")
    staff = await identity.get_staff(ctx.credentials, staff_id)
    staff_ok = await asyncio.to_thread(
        identity.verify_secret, staff.password_hash if staff else None, password)
    if not staff_ok or staff is None or staff.status != "active":
        locked = await _record_failure(ctx, "staff", staff_id)
        code = "staff_disabled" if staff and staff.status == "disabled" and staff_ok \
            else "bad_staff_credential"
        await ctx.audit("auth", "login", "failure", **ids, reason_code=code, locked_out=locked)
        raise _refuse(401, "unknown staff id, disabled account, or wrong password")
    await _clear_failures(ctx, "device", device_id)
    await _clear_failures(ctx, "staff", staff_id)
    token, claims = ctx.signer.issue(device_id, staff_id)
    await ctx.audit("auth", "login", "success", **ids, token_id=claims.token_id)
    return token, claims.expires_at


async def authenticate(request: Request) -> Principal:
    """FastAPI dependency: a valid token of an active device and an active staff member."""
    ctx = context_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _refuse(401, "missing bearer token")
    try:
        claims = ctx.signer.verify(token.strip())
    except InvalidToken as exc:
        if ctx.limiter.allow("audit:invalid-token"):  # bounded: junk must not flood AUDIT
            await ctx.audit("auth", "request", "denied", reason_code=f"token_{exc}".replace(
                " ", "_"))
        raise _refuse(401, "invalid or expired token") from None
    device = await identity.get_device(ctx.credentials, claims.device_id)
    staff = await identity.get_staff(ctx.credentials, claims.staff_id)
    ids = {"device_id": claims.device_id, "staff_id": claims.staff_id}
    if device is None or device.status != "active":
        await ctx.audit("auth", "request", "denied", **ids, reason_code="device_revoked")
        raise _refuse(401, "device revoked")
    if staff is None or staff.status != "active":
        await ctx.audit("auth", "request", "denied", **ids, reason_code="staff_disabled")
        raise _refuse(401, "staff account disabled")
    if not ctx.limiter.allow(f"device:{claims.device_id}"):
        raise HTTPException(429, "rate limit exceeded for this device",
                            headers={"Retry-After": "1"})
    return Principal(claims.device_id, claims.staff_id)
