"""Auditor accounts: argon2id password hashes in PostgreSQL, roles `auditor` and `admin`."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from madoguchi.audit.db import AsyncConn

ROLES = ("auditor", "admin")
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 "low memory" profile)
_DUMMY_HASH = _hasher.hash("timing-equaliser")


@dataclass(frozen=True)
class Auditor:
    auditor_id: str
    role: str
    disabled: bool


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise ValueError("auditor passwords need at least 12 characters")
    return _hasher.hash(password)


Verify = Callable[[Callable[[], bool]], Awaitable[bool]]


async def _in_thread(check: Callable[[], bool]) -> bool:
    return await asyncio.to_thread(check)


def _matches(stored: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


async def load_account(conn: AsyncConn, auditor_id: str) -> Auditor | None:
    if not ACCOUNT_ID.match(auditor_id):
        return None
    cur = await conn.execute("SELECT role, disabled FROM auditors WHERE auditor_id = %s",
                             (auditor_id,))
    row = await cur.fetchone()
    return Auditor(auditor_id, row[0], bool(row[1])) if row else None


@dataclass(frozen=True)
class StoredCredentials:
    account: Auditor | None
    """None: no such account (the hash is then a dummy, so that checking costs the same)."""
    password_hash: str

    async def check(self, password: str, verify: Verify = _in_thread) -> Auditor | None:
        """The account if the password matches (disabled accounts included: the caller
        decides). `verify` runs the argon2 check (the API bounds how many run at once). Always
        one verification, so unknown names cost the same time."""
        if not await verify(lambda: _matches(self.password_hash, password)):
            return None
        return self.account


async def stored_credentials(conn: AsyncConn, auditor_id: str) -> StoredCredentials:
    """Read what a sign-in checks, so that the connection can be given back before the slow
    argon2 check (a queue of sign-ins must not hold PostgreSQL's connections)."""
    if ACCOUNT_ID.match(auditor_id):
        cur = await conn.execute(
            "SELECT password_hash, role, disabled FROM auditors WHERE auditor_id = %s",
            (auditor_id,))
        row = await cur.fetchone()
        if row is not None:
            return StoredCredentials(Auditor(auditor_id, row[1], bool(row[2])), row[0])
    return StoredCredentials(None, _DUMMY_HASH)


async def add_auditor(owner: AsyncConn, auditor_id: str, password: str, role: str) -> None:
    """Create or replace (new password/role, re-enabled) an account. Needs the owner's DSN."""
    if not ACCOUNT_ID.match(auditor_id):
        raise ValueError("auditor id: 1-64 of A-Z a-z 0-9 _ -")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    await owner.execute(
        "INSERT INTO auditors (auditor_id, password_hash, role) VALUES (%s, %s, %s) "
        "ON CONFLICT (auditor_id) DO UPDATE SET password_hash = excluded.password_hash, "
        "role = excluded.role, disabled = false",
        (auditor_id, hash_password(password), role),
    )


async def list_auditors(owner: AsyncConn) -> list[tuple[str, str, bool, datetime]]:
    """(id, role, disabled, created) of every account; never a hash."""
    cur = await owner.execute(
        "SELECT auditor_id, role, disabled, created_at FROM auditors ORDER BY auditor_id")
    return [(str(r[0]), str(r[1]), bool(r[2]), r[3]) for r in await cur.fetchall()]


async def disable_auditor(owner: AsyncConn, auditor_id: str) -> bool:
    cur = await owner.execute(
        "UPDATE auditors SET disabled = true WHERE auditor_id = %s", (auditor_id,))
    return cur.rowcount == 1
