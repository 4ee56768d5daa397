"""Sign-in (device credential + staff id/password -> session token) and per-request checks.

Every request is attributable to (device, staff). Device and staff records are re-read from
the credentials bucket on every request: a revocation or a disabled account is refused on the
very next request, on every replica, without a restart. Consecutive failed logins lock the
device or staff account for `auth.lockout_s`, counted with compare-and-set in the `lockouts`
bucket (ingest may only read the credentials). Every login, failure and lock-out is audited.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from fastapi import HTTPException, Request
from nats.js.errors import APIError, KeyNotFoundError, KeyWrongLastSequenceError

from madoguchi.ingest.context import IngestContext
from madoguchi.ingest.enrolment import EnrolmentRefused, prove_device
from madoguchi.ingest.tokens import InvalidToken
from madoguchi.shared import identity
from madoguchi.shared.identity import LockoutRecord

PrincipalKind = Literal["device", "staff"]
CAS_ATTEMPTS = 32


@dataclass(frozen=True)
class Principal:
    device_id: str
    staff_id: str
    expires_at: int = 0
    """The token's expiry (unix seconds): a long-lived stream ends with it."""


def context_of(request: Request) -> IngestContext:
    ctx: IngestContext | None = getattr(request.app.state, "ingest", None)
    if ctx is None:
        raise HTTPException(503, "ingest is starting")
    return ctx


def _refuse(status: int, reason: str) -> HTTPException:
    return HTTPException(status, reason, headers={"WWW-Authenticate": "Bearer"}
                         if status == 401 else None)


async def _lockout(ctx: IngestContext, kind: PrincipalKind,
                   principal: str) -> tuple[LockoutRecord, int | None]:
    """The record and its revision (None: no record yet), for compare-and-set."""
    try:
        entry = await ctx.lockouts.get(identity.lockout_key(kind, principal))
    except KeyNotFoundError:
        return LockoutRecord(), None
    if not entry.value:  # a delete marker
        return LockoutRecord(), entry.revision
    return LockoutRecord.model_validate_json(entry.value), entry.revision


async def _is_locked(ctx: IngestContext, kind: PrincipalKind, principal: str) -> bool:
    record, _ = await _lockout(ctx, kind, principal)
    return record.locked_until is not None and record.locked_until > datetime.now(UTC)


async def _record_failure(ctx: IngestContext, kind: PrincipalKind, principal: str) -> bool:
    """Count a failure with compare-and-set (concurrent failures never overwrite each other,
    so a burst cannot undo its own lock-out); a lock is only ever extended, never shortened.
    Returns True when this failure locks the principal out."""
    key = identity.lockout_key(kind, principal)
    for _ in range(CAS_ATTEMPTS):
        record, revision = await _lockout(ctx, kind, principal)
        now = datetime.now(UTC)
        failures, locked_until = record.failures + 1, record.locked_until
        locks = failures >= ctx.settings.auth.max_failures
        if locks:
            until = now + timedelta(seconds=ctx.settings.auth.lockout_s)
            locked_until = max(until, locked_until) if locked_until else until
            failures = 0
        value = LockoutRecord(failures=failures, locked_until=locked_until).model_dump_json()
        try:
            if revision is None:
                await ctx.lockouts.create(key, value.encode())
            else:
                await ctx.lockouts.update(key, value.encode(), last=revision)
        except (KeyWrongLastSequenceError, APIError):
            continue  # another failure was counted meanwhile: count on top of it
        return locks
    raise RuntimeError("lock-out record contended")  # answered 503: never a silent success


async def _clear_failures(ctx: IngestContext, kind: PrincipalKind, principal: str) -> None:
    record, revision = await _lockout(ctx, kind, principal)
    if record.failures and revision is not None:
        # Only the record we read: a failure counted meanwhile stays counted.
        with contextlib.suppress(KeyWrongLastSequenceError, APIError):
            await ctx.lockouts.delete(identity.lockout_key(kind, principal), last=revision)


@dataclass(frozen=True)
class DeviceProof:
    """How the device proves itself at sign-in: its secret, or a signed challenge."""

    secret: str | None = None
    challenge: str | None = None
    signature: str | None = None


async def admit(ctx: IngestContext, source: str, **ids: str) -> None:
    """The per-source and overall sign-in limits (sign-in and enrolment share them)."""
    if not ctx.logins.admit(source):
        if ctx.limiter.allow("audit:login-throttled"):  # bounded: a flood must not flood AUDIT
            await ctx.audit("auth", "login", "denied", **ids, reason_code="throttled")
        raise HTTPException(429, "too many sign-in attempts: try again shortly",
                            headers={"Retry-After": "5"})


async def _device_proven(ctx: IngestContext, device_id: str,
                         proof: DeviceProof) -> tuple[bool, str]:
    """(proven, the reason code when not)."""
    if proof.challenge is not None and proof.signature is not None:
        try:
            await prove_device(ctx, device_id, proof.challenge, proof.signature)
        except EnrolmentRefused as exc:
            return False, exc.code
        return True, ""
    device = await identity.get_device(ctx.credentials, device_id)
    device_hash = device.secret_hash if device else None
    secret = proof.secret or ""
    ok = await ctx.logins.verify(lambda: identity.verify_secret(device_hash, secret))
    return ok, "" if ok else "bad_device_credential"


async def login(ctx: IngestContext, device_id: str, proof: DeviceProof, staff_id: str,
                password: str, source: str = "unknown") -> tuple[str, int]:
    """Returns (token, expires_at) or raises 401/423/429 — after auditing the attempt.

    A failed device proof does not lock the device: a secret is 256 random bits and a key
    cannot be guessed, and a lock would let a stranger shut a counter's tablet out by trying
    five times. Attempts are bounded per source instead (`LoginGuard`)."""
    ids = {"device_id": device_id, "staff_id": staff_id}
    await admit(ctx, source, **ids)
    if await _is_locked(ctx, "staff", staff_id):
        await ctx.audit("auth", "login", "denied", **ids, reason_code="staff_locked")
        raise _refuse(423, "too many failed sign-ins: try again later")
    device = await identity.get_device(ctx.credentials, device_id)
    device_ok, why = await _device_proven(ctx, device_id, proof)
    if not device_ok or device is None or device.status != "active":
        code = "device_revoked" if device and device.status == "revoked" and device_ok \
            else why or "bad_device_credential"
        await ctx.audit("auth", "login", "failure", **ids, reason_code=code, locked_out=False)
        raise _refuse(401, "device not registered or enrolled, revoked, or its proof failed")
    staff = await identity.get_staff(ctx.credentials, staff_id)
    staff_hash = staff.password_hash if staff else None
    staff_ok = await ctx.logins.verify(lambda: identity.verify_secret(staff_hash, password))
    if not staff_ok or staff is None or staff.status != "active":
        locked = await _record_failure(ctx, "staff", staff_id)
        code = "staff_disabled" if staff and staff.status == "disabled" and staff_ok \
            else "bad_staff_credential"
        await ctx.audit("auth", "login", "failure", **ids, reason_code=code, locked_out=locked)
        raise _refuse(401, "unknown staff id, disabled account, or wrong password")
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
    return Principal(claims.device_id, claims.staff_id, claims.expires_at)


async def still_authorized(ctx: IngestContext, who: Principal) -> bool:
    """Re-checked by long-lived streams: the token has not expired, the device is not revoked
    and the staff member not disabled — the same rules as every request, seconds later."""
    import time

    if who.expires_at and time.time() >= who.expires_at:
        return False
    device = await identity.get_device(ctx.credentials, who.device_id)
    staff = await identity.get_staff(ctx.credentials, who.staff_id)
    return (device is not None and device.status == "active"
            and staff is not None and staff.status == "active")
