"""`/healthz` (alive), `/readyz` (connected and bound) for Kubernetes probes; `/metrics`."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from madoguchi.shared.telemetry import prometheus_text


def health_routes(service: str, readiness: Callable[[], dict[str, bool]],
                  details: Callable[[], dict[str, str]] = dict) -> list[Route]:
    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"service": service, "status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = readiness()
        ready = all(checks.values())
        body: dict[str, object] = {"service": service, "ready": ready, "checks": checks}
        if detail := details():
            body["detail"] = detail
        return JSONResponse(
            body,
            status_code=200 if ready else 503,
        )

    async def metrics(_: Request) -> Response:
        return Response(prometheus_text(), media_type="text/plain; version=0.0.4")

    return [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
