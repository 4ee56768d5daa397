"""`python -m madoguchi.audit`: AUDIT-stream consumer + auditor HTTP API + checkpoints."""

from __future__ import annotations

from collections.abc import Callable

from madoguchi.audit.api import create_app
from madoguchi.audit.contracts import STORED_EVENT
from madoguchi.audit.service import AuditService
from madoguchi.audit.settings import AuditSettings
from madoguchi.shared.runtime import ServiceRuntime, Stage, StartupError, run


def setup(settings: AuditSettings) -> Callable[[ServiceRuntime], None]:
    def _setup(runtime: ServiceRuntime) -> None:
        if settings.database.dsn is None:
            raise StartupError("database.dsn is missing")
        service = AuditService(settings)
        runtime.on_start(service.open)  # migrations and the connection, before consuming
        runtime.on_stop(service.close)
        runtime.add_readiness_check("database", service.database_ready)
        runtime.background(service.shred_loop)
        runtime.background(service.failed_logins_loop)
        runtime.serve_app(create_app(service))
        runtime.consume(Stage(STORED_EVENT, service.handle, concurrency=settings.concurrency))
    return _setup


def main() -> None:
    settings = AuditSettings()
    run("audit", settings, setup(settings))


if __name__ == "__main__":
    main()
