"""`python -m madoguchi.audit`: AUDIT-stream consumer + auditor HTTP API + checkpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from madoguchi.audit.api import create_app
from madoguchi.audit.contracts import STORED_EVENT
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.runtime.logs import configure_logging
from madoguchi.shared.settings import InsecureSettingsError
from madoguchi.shared.telemetry import configure_telemetry

log = logging.getLogger("madoguchi.audit")


async def serve(settings: AuditSettings) -> None:
    service = AuditService(settings)
    await service.open()
    runtime = ServiceRuntime("audit", settings)
    runtime.consume(STORED_EVENT, service.handle)
    runtime.add_readiness_check("database", service.database_ready)
    checkpoints = asyncio.create_task(service.checkpoint_loop())
    try:
        await runtime.serve(app=create_app(service))
    finally:
        checkpoints.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await checkpoints
        await service.close()


def main() -> None:
    settings = AuditSettings()
    configure_logging("audit", settings.log_level, settings.log_format)
    try:
        settings.require_secure()
        if settings.database.dsn is None:
            raise InsecureSettingsError("database.dsn is missing")
    except InsecureSettingsError as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from None
    configure_telemetry("audit", settings.otel)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
