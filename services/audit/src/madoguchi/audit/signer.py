"""`python -m madoguchi.audit.signer [--once] [--full]`: the checkpoint signer.

Its own process (a CronJob in the chart), its own Ed25519 key and its own database login, a
member of `madoguchi_audit_signer` only: it reads the trail and adds checkpoints, and cannot
write events. The audit pods that append events hold no signing key and trust only this key's
public half (`checkpoint_public_key`). The signer verifies the chain first, and refuses to
vouch for a broken trail (exit 1): by default only the rows added since its last checkpoint
(from that checkpoint's head and Merkle frontier, so a run costs what was added, not the whole
trail); with `--full` every row and every checkpoint (the chart runs that daily).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import psycopg
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings

from madoguchi.audit.checkpoints import Checkpoint, load_signing_key, public_bytes
from madoguchi.audit.db import connect_signer
from madoguchi.audit.ledger import ChainBroken, create_checkpoint
from madoguchi.shared.settings import settings_config

log = logging.getLogger("madoguchi.audit.signer")


class SignerDatabase(BaseModel):
    dsn: SecretStr | None = Field(default=None, description="The signer login's libpq URI.")


class SignerSettings(BaseSettings):
    """Environment: `MADOGUCHI_AUDIT_SIGNER_DATABASE__DSN`, `MADOGUCHI_AUDIT_SIGNER_KEY_FILE`."""

    model_config = settings_config("audit_signer")

    database: SignerDatabase = SignerDatabase()
    key_file: Path | None = Field(default=None, description="Ed25519 private key (PEM).")
    interval_s: float = Field(default=300.0, gt=0, description="Between checkpoints (loop).")
    previous_public_keys: str = Field(
        default="", pattern=r"^([0-9a-f]{64}(,[0-9a-f]{64})*)?$",
        description="Hex public keys of earlier signing keys (after a rotation), comma-separated: "
        "their checkpoints still verify.")


async def sign_once(dsn: str, key_file: Path, previous: set[bytes] | None = None, *,
                    full: bool = False) -> Checkpoint | None:
    key = load_signing_key(key_file)
    trusted = {public_bytes(key.public_key())} | (previous or set())
    async with await connect_signer(dsn) as conn:
        return await create_checkpoint(conn, key, trusted_keys=trusted, full=full)


async def _run(settings: SignerSettings, once: bool, full: bool = False) -> int:
    if settings.database.dsn is None or settings.key_file is None:
        log.error("MADOGUCHI_AUDIT_SIGNER_DATABASE__DSN and MADOGUCHI_AUDIT_SIGNER_KEY_FILE "
                  "are required")
        return 2
    dsn = settings.database.dsn.get_secret_value()
    while True:
        try:
            previous = {bytes.fromhex(k) for k in settings.previous_public_keys.split(",") if k}
            made = await sign_once(dsn, settings.key_file, previous, full=full)
            log.info("checkpoint signed" if made else "no new rows",
                     extra={"tree_size": made.tree_size if made else None})
        except ChainBroken as exc:
            log.error("audit chain broken: refusing to sign", extra={
                "seq": exc.report.first_bad_seq})
            return 1
        except psycopg.Error as exc:  # not migrated yet, or the database is away
            if once:
                log.error("cannot sign", extra={"error": type(exc).__name__})
                return 1
            log.warning("cannot sign yet, will retry", extra={"error": type(exc).__name__})
            await asyncio.sleep(min(settings.interval_s, 10.0))
            continue
        if once:
            return 0
        await asyncio.sleep(settings.interval_s)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m madoguchi.audit.signer")
    parser.add_argument("--once", action="store_true", help="sign once and exit (CronJob)")
    parser.add_argument("--full", action="store_true",
                        help="verify every row and checkpoint, not only the rows added since "
                             "the last checkpoint")
    args = parser.parse_args(argv)
    from madoguchi.shared.runtime.logs import configure_logging

    configure_logging("audit-signer", "INFO", "json")
    sys.exit(asyncio.run(_run(SignerSettings(), args.once, args.full)))


if __name__ == "__main__":
    main()
