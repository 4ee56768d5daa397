"""`/healthz` (the process is alive) and `/readyz` (connected and bound), for Kubernetes probes."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def health_routes(service: str, readiness: Callable[[], dict[str, bool]]) -> list[Route]:
    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"service": service, "status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = readiness()
        ready = all(checks.values())
        return JSONResponse(
            {"service": service, "ready": ready, "checks": checks},
            status_code=200 if ready else 503,
        )

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
