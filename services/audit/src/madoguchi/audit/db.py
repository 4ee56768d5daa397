"""Connections to the audit database, dropped to the INSERT/SELECT-only application role."""

from __future__ import annotations

import psycopg
from psycopg.rows import TupleRow

from madoguchi.audit.migrate import APP_ROLE

AsyncConn = psycopg.AsyncConnection[TupleRow]


async def connect_app(dsn: str) -> AsyncConn:
    """Connect and, when the login may, `SET ROLE madoguchi_audit_app`.

    Whatever login the operator configured (in the local stack: the PostgreSQL superuser), the
    service's own statements then run with INSERT/SELECT only: a bug or an injected statement
    cannot UPDATE, DELETE or TRUNCATE. The triggers still stand behind that.
    """
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    cur = await conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (APP_ROLE,))
    row = await cur.fetchone()
    if row is not None and row[0]:
        await conn.execute(f"SET ROLE {APP_ROLE}")
    return conn


async def create_app_login(owner_dsn: str, login: str, password: str) -> None:
    """A LOGIN role that is a member of the application role (for a dedicated service DSN)."""
    from psycopg import sql

    async with await psycopg.AsyncConnection.connect(owner_dsn, autocommit=True) as conn:
        cur = await conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        verb = "ALTER" if await cur.fetchone() else "CREATE"
        await conn.execute(sql.SQL("{} ROLE {} LOGIN PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(login), sql.Literal(password)))
        await conn.execute(sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(APP_ROLE), sql.Identifier(login)))
