"""Device and staff credentials (the seed: ID・パスワードにより成りすましを防止する).

Stored only as argon2id hashes in the `credentials` KV bucket; ingest verifies them, the
operator CLI (`madoguchi devices|staff`) manages them. Keys:

- `device.<device_id>`  -> `DeviceRecord` (enrolment code hash or secret hash, active/revoked)
- `staff.<staff_id>`    -> `StaffRecord` (password hash, active/disabled)

A tablet is **enrolled** once: the operator's one-time code (short-lived, single use) is
exchanged for a device-bound key the browser generated and cannot export; its public half is
kept in the `device_keys` bucket (`DeviceKey`), and every sign-in signs a server challenge
with it (`madoguchi.ingest.enrolment`). A device secret remains for scripts and older tablets.

Revoking or disabling is a KV write; ingest reads the record on every request, so it takes
effect on the next request without a restart.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime, timedelta
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


class EnrolmentCode(Contract):
    """The operator's one-time code for this device: argon2 of it, its id (a key enrolled with
    it names the id, so a second use is seen), and when it stops working."""

    code_id: Token
    code_hash: str
    expires_at: AwareDatetime


class DeviceRecord(Contract):
    device_id: Token
    secret_hash: str | None = Field(
        default=None, description="argon2 of the device secret; None: enrolment only.")
    status: Literal["active", "revoked"] = "active"
    label: str = Field(default="", max_length=100)
    created_at: AwareDatetime = Field(default_factory=_now)
    revoked_at: AwareDatetime | None = None
    enrolment: EnrolmentCode | None = None


class DeviceKey(Contract):
    """The public half of a tablet's device-bound key (ECDSA P-256, SPKI DER, base64)."""

    device_id: Token
    public_key: str = Field(max_length=400)
    code_id: Token
    enrolled_at: AwareDatetime = Field(default_factory=_now)


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


# Crockford's base32 without I, L, O, U: read off a screen and typed on a tablet without
# confusion. 10 characters = 50 bits, single use, minutes long, behind the sign-in rate limit.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def new_enrolment_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    """What the tablet typed, as issued: case, spaces, dashes and look-alikes forgiven."""
    cleaned = code.upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans("ILO", "110"))
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == CODE_LENGTH else cleaned


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
    """Register a device with a secret (scripts, tablets that cannot enrol); returns it
    (shown once, never stored in clear)."""
    secret = new_device_secret()
    record = DeviceRecord(device_id=device_id, secret_hash=hash_secret(secret), label=label)
    await _create_device(kv, record)
    return secret


async def add_enrollable_device(kv: KeyValue, device_id: str, label: str = "",
                                ttl: timedelta = timedelta(minutes=15)) -> str:
    """Register a device that enrols with a one-time code; returns the code (shown once)."""
    code, enrolment = _issue(ttl)
    await _create_device(kv, DeviceRecord(device_id=device_id, label=label,
                                          enrolment=enrolment))
    return code


async def new_enrolment(kv: KeyValue, keys: KeyValue, device_id: str,
                        ttl: timedelta = timedelta(minutes=15)) -> str:
    """A fresh code for a device (a reset or replaced tablet): its old key stops working now."""
    record = await get_device(kv, device_id)
    if record is None:
        raise IdentityError(f"no device {device_id}")
    if record.status != "active":
        raise IdentityError(f"device {device_id} is revoked")
    code, enrolment = _issue(ttl)
    await kv.put(device_key(device_id),
                 record.model_copy(update={"enrolment": enrolment}).model_dump_json().encode())
    with contextlib.suppress(KeyNotFoundError):
        await keys.delete(device_id)
    return code


def _issue(ttl: timedelta) -> tuple[str, EnrolmentCode]:
    code = new_enrolment_code()
    return code, EnrolmentCode(code_id=secrets.token_hex(8), code_hash=hash_secret(code),
                               expires_at=_now() + ttl)


async def _create_device(kv: KeyValue, record: DeviceRecord) -> None:
    try:
        await kv.create(device_key(record.device_id), record.model_dump_json().encode())
    except Exception as exc:  # KeyWrongLastSequenceError: the id is taken
        raise IdentityError(f"device {record.device_id} already exists") from exc


async def get_device_key(keys: KeyValue, device_id: str) -> tuple[DeviceKey, int] | None:
    try:
        entry = await keys.get(device_id)
    except KeyNotFoundError:
        return None
    if not entry.value or entry.revision is None:
        return None
    return DeviceKey.model_validate_json(entry.value), entry.revision


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
