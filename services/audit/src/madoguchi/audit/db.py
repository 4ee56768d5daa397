"""Connections to the audit database, each dropped to the narrowest role for its job.

Two roles, created by the migrations: `madoguchi_audit_app` (the service: INSERT and SELECT on
the trail, keys it may create and destroy) and `madoguchi_audit_signer` (the checkpoint signer:
SELECT on the trail, INSERT on checkpoints). Deployments give each its own LOGIN, a member of
one role only (`create_login`, `madoguchi audit logins`); the schema owner's login is used by
the migration Job alone.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from madoguchi.audit.migrate import APP_ROLE, SIGNER_ROLE

AsyncConn = psycopg.AsyncConnection[TupleRow]
ROLES = (APP_ROLE, SIGNER_ROLE)


async def connect_as(dsn: str, role: str) -> AsyncConn:
    """Connect and, when the login may, `SET ROLE <role>`.

    Whatever login the operator configured (in the local stack: the PostgreSQL superuser), the
    statements then run with the role's grants only: a bug or an injected statement cannot
    UPDATE, DELETE or TRUNCATE the trail. The triggers still stand behind that.
    """
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    cur = await conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (role,))
    row = await cur.fetchone()
    if row is not None and row[0]:
        await conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
    return conn


async def connect_app(dsn: str) -> AsyncConn:
    return await connect_as(dsn, APP_ROLE)


async def connect_signer(dsn: str) -> AsyncConn:
    return await connect_as(dsn, SIGNER_ROLE)


async def create_login(owner_dsn: str, login: str, password: str, role: str = APP_ROLE) -> None:
    """A LOGIN role that is a member of `role` only (a dedicated DSN for the service or the
    signer). Needs the owner's DSN; run after the migrations."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    async with await psycopg.AsyncConnection.connect(owner_dsn, autocommit=True) as conn:
        cur = await conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        verb = "ALTER" if await cur.fetchone() else "CREATE"
        await conn.execute(sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                   "NOBYPASSRLS PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(login), sql.Literal(password)))
        await conn.execute(sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(role), sql.Identifier(login)))


async def create_app_login(owner_dsn: str, login: str, password: str) -> None:
    await create_login(owner_dsn, login, password, APP_ROLE)
