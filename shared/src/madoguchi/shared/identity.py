"""Device and staff credentials (the seed: ID・パスワードにより成りすましを防止する).

Stored only as argon2id hashes in the `credentials` KV bucket; ingest verifies them, the
operator CLI (`madoguchi devices|staff`) manages them. Keys:

- `device.<device_id>`  -> `DeviceRecord` (secret hash, active/revoked)
- `staff.<staff_id>`    -> `StaffRecord` (password hash, active/disabled)
- `lockout.<kind>.<id>` -> `LockoutRecord` (consecutive failed logins, locked until)

Revoking or disabling is a KV write; ingest reads the record on every request, so it takes
effect on the next request without a restart.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue
from pydantic import AwareDatetime, Field

from madoguchi.shared.contracts.envelope import Contract, Token

# argon2id with the library's RFC 9106 "low memory" profile: ~50 ms and 64 MiB per check.
_HASHER = PasswordHasher()
# Verified when the id is unknown, so a wrong id costs as much time as a wrong secret.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


class IdentityError(ValueError):
    """An operator asked for something impossible (duplicate id, weak password...)."""


def _now() -> datetime:
    return datetime.now(UTC)


class DeviceRecord(Contract):
    device_id: Token
    secret_hash: str
    status: Literal["active", "revoked"] = "active"
    label: str = Field(default="", max_length=100)
    created_at: AwareDatetime = Field(default_factory=_now)
    revoked_at: AwareDatetime | None = None


class StaffRecord(Contract):
    staff_id: Token
    password_hash: str
    status: Literal["active", "disabled"] = "active"
    created_at: AwareDatetime = Field(default_factory=_now)
    disabled_at: AwareDatetime | None = None


class LockoutRecord(Contract):
    failures: int = 0
    locked_until: AwareDatetime | None = None


def device_key(device_id: str) -> str:
    return f"device.{device_id}"


def staff_key(staff_id: str) -> str:
    return f"staff.{staff_id}"


def lockout_key(kind: Literal["device", "staff"], principal: str) -> str:
    return f"lockout.{kind}.{principal}"


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-work check: an unknown principal still costs one argon2 verification."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


async def _get(kv: KeyValue, key: str) -> bytes | None:
    try:
        entry = await kv.get(key)
    except KeyNotFoundError:
        return None
    return entry.value or None


async def get_device(kv: KeyValue, device_id: str) -> DeviceRecord | None:
    raw = await _get(kv, device_key(device_id))
    return DeviceRecord.model_validate_json(raw) if raw else None


async def get_staff(kv: KeyValue, staff_id: str) -> StaffRecord | None:
    raw = await _get(kv, staff_key(staff_id))
    return StaffRecord.model_validate_json(raw) if raw else None


async def add_device(kv: KeyValue, device_id: str, label: str = "") -> str:
    """Register a device; returns its secret (shown once, never stored in clear)."""
    secret = new_device_secret()
    record = DeviceRecord(device_id=device_id, secret_hash=hash_secret(secret), label=label)
    try:
        await kv.create(device_key(device_id), record.model_dump_json().encode())
    except Exception as exc:  # KeyWrongLastSequenceError: the id is taken
        raise IdentityError(f"device {device_id} already exists") from exc
    return secret


async def revoke_device(kv: KeyValue, device_id: str) -> DeviceRecord:
    record = await get_device(kv, device_id)
    if record is None:
        raise IdentityError(f"no device {device_id}")
    revoked = record.model_copy(update={"status": "revoked", "revoked_at": _now()})
    await kv.put(device_key(device_id), revoked.model_dump_json().encode())
    return revoked


async def list_devices(kv: KeyValue) -> list[DeviceRecord]:
    try:
        keys = await kv.keys()  # nats-py's `filters=` misses wildcard keys: filter here
    except Exception:  # NoKeysError: an empty bucket
        return []
    records = [await get_device(kv, key.split(".", 1)[1])
               for key in sorted(keys) if key.startswith("device.")]
    return [r for r in records if r is not None]


async def add_staff(kv: KeyValue, staff_id: str, password: str) -> StaffRecord:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise IdentityError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    record = StaffRecord(staff_id=staff_id, password_hash=hash_secret(password))
    try:
        await kv.create(staff_key(staff_id), record.model_dump_json().encode())
    except Exception as exc:
        raise IdentityError(f"staff {staff_id} already exists") from exc
    return record


async def disable_staff(kv: KeyValue, staff_id: str) -> StaffRecord:
    record = await get_staff(kv, staff_id)
    if record is None:
        raise IdentityError(f"no staff {staff_id}")
    disabled = record.model_copy(update={"status": "disabled", "disabled_at": _now()})
    await kv.put(staff_key(staff_id), disabled.model_dump_json().encode())
    return disabled
