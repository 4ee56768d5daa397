"""Apply the versioned SQL migrations in `migrations/` up or down, each in its own transaction.

A `schema_migrations` table records what was applied. An advisory lock serialises concurrent
migrators (two replicas starting at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

MIGRATION_LOCK = 0x6D61_646F_6D69_67  # "madomig": any constant unique to this purpose
APP_ROLE = "madoguchi_audit_app"
SIGNER_ROLE = "madoguchi_audit_signer"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: str
    down: str


def available() -> list[Migration]:
    files = {f.name: f for f in resources.files("madoguchi.audit.migrations").iterdir()}
    found: dict[int, dict[str, str]] = {}
    for filename, file in files.items():
        match = _NAME.match(filename)
        if match:
            entry = found.setdefault(int(match[1]), {"name": match[2]})
            entry[match[3]] = file.read_text(encoding="utf-8")
    return [Migration(v, e["name"], e["up"], e["down"]) for v, e in sorted(found.items())]


def _ensure_table(conn: psycopg.Connection[object]) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
        "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
    )


def applied(conn: psycopg.Connection[object]) -> list[int]:
    _ensure_table(conn)
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [int(row[0]) for row in rows]  # type: ignore[index]


def upgrade(dsn: str, target: int | None = None) -> list[int]:
    """Apply every pending migration up to `target` (default: all). Returns those applied."""
    done: list[int] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            current = set(applied(conn))
            for migration in available():
                if migration.version in current or (target is not None
                                                     and migration.version > target):
                    continue
                with conn.transaction():
                    conn.execute(migration.up.encode())
                    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                                 (migration.version, migration.name))
                done.append(migration.version)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return done


def downgrade(dsn: str, target: int = 0) -> list[int]:
    """Revert applied migrations above `target`, newest first. Returns those reverted."""
    undone: list[int] = []
    by_version = {m.version: m for m in available()}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            for version in reversed(applied(conn)):
                if version <= target:
                    break
                with conn.transaction():
                    conn.execute(by_version[version].down.encode())
                    conn.execute("DELETE FROM schema_migrations WHERE version = %s", (version,))
                undone.append(version)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return undone


def latest() -> int:
    return max(m.version for m in available())


async def schema_version(conn: psycopg.AsyncConnection[Any]) -> int:
    """The newest applied migration (0: none), read with the service's own narrow role.
    Before migration 3 that role could not read `schema_migrations`: then 2 at most."""
    try:
        cur = await conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
    except psycopg.errors.UndefinedTable:
        return 0
    except psycopg.errors.InsufficientPrivilege:
        return 2
    row = await cur.fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    """`python -m madoguchi.audit.migrate`: the Helm migration Job (owner DSN from
    `MADOGUCHI_AUDIT_OWNER_DSN`). Prints what it applied; exits non-zero on failure."""
    import os
    import sys

    dsn = os.environ.get("MADOGUCHI_AUDIT_OWNER_DSN")
    if not dsn:
        sys.exit("MADOGUCHI_AUDIT_OWNER_DSN is not set (the schema owner's DSN)")
    done = upgrade(dsn)
    print(f"audit schema at version {latest()}; applied: {done or 'nothing'}")


if __name__ == "__main__":
    main()
