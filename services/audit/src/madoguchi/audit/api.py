"""The auditor HTTP API. Every request is authenticated (HTTP Basic, argon2id) and every
query is appended to the trail *before* the answer is returned: if the record cannot be
written the query is not answered (fail closed). Refused sign-ins are recorded too, the first
per account and window at once and the rest as one summary (`login_failures`); sign-ins are
rate-limited per source and in all, with a bounded number of argon2 checks at once. Roles:
`auditor` reads; `admin` may also shred a session's content early."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from madoguchi.audit import queries
from madoguchi.audit.accounts import Auditor, account_exists, authenticate
from madoguchi.audit.checkpoints import export_document
from madoguchi.audit.db import AsyncConn, connect_app
from madoguchi.audit.ledger import consistency, inclusion
from madoguchi.audit.merkle import ProofError
from madoguchi.audit.sealing import Shredded
from madoguchi.audit.service import AuditService
from madoguchi.audit.verify import load_checkpoints, verify_chain
from madoguchi.shared.messaging import DependencyUnavailable

_basic = HTTPBasic(auto_error=False, realm="madoguchi-audit")
Token = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
SessionPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


def _service(request: Request) -> AuditService:
    service: AuditService = request.app.state.audit
    return service


async def _connection(request: Request) -> AsyncIterator[AsyncConn]:
    async with await connect_app(_service(request).dsn) as conn:
        yield conn


Conn = Annotated[AsyncConn, Depends(_connection)]


async def _auditor(request: Request,
                   credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
                   ) -> Auditor:
    """Credentials and the sign-in limits are checked before any database connection is
    opened, so a flood of bad requests cannot exhaust PostgreSQL's connections. (Endpoints
    list `who` before `conn`: FastAPI resolves dependencies in that order.)"""
    service = _service(request)
    challenge = {"WWW-Authenticate": 'Basic realm="madoguchi-audit"'}
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "credentials required",
                            headers=challenge)
    source = request.client.host if request.client else "unknown"
    if not service.logins.admit(source):
        await service.failed_logins.refused(None, "auditor.login_throttled")
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            "too many sign-in attempts: try again shortly",
                            headers={"Retry-After": "5"})
    async with await connect_app(service.dsn) as conn:
        account = await authenticate(conn, credentials.username, credentials.password,
                                     verify=service.logins.verify)
        known = account is not None or await account_exists(conn, credentials.username)
    if account is None:
        await service.failed_logins.refused(credentials.username if known else None,
                                            "auditor.login_failed")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials",
                            headers=challenge)
    if account.disabled:
        await service.failed_logins.refused(account.auditor_id, "auditor.disabled")
        raise HTTPException(status.HTTP_403_FORBIDDEN, "account disabled")
    return account


Who = Annotated[Auditor, Depends(_auditor)]


def create_app(service: AuditService) -> FastAPI:
    app = FastAPI(title="Madoguchi audit", version="1", docs_url=None, redoc_url=None)

    async def database_down(_: Request, __: Exception) -> JSONResponse:
        # A query that cannot be recorded is not answered: 503, and the auditor retries.
        return JSONResponse({"detail": "audit database unavailable"}, status_code=503,
                            headers={"Retry-After": "5"})

    app.add_exception_handler(psycopg.OperationalError, database_down)
    app.add_exception_handler(DependencyUnavailable, database_down)
    app.state.audit = service

    record = service.record_access

    async def admin_only(who: Auditor, action: str, attributes: dict[str, Any]) -> None:
        """Refuse (and record) an admin action asked by an `auditor`."""
        if who.role != "admin":
            await record(who.auditor_id, action, "denied", attributes | {"role": who.role})
            raise HTTPException(status.HTTP_403_FORBIDDEN, "this action needs the admin role")

    @app.get("/v1/audit/events")
    async def events(
        who: Who, conn: Conn, since: datetime | None = None, until: datetime | None = None,
        session_id: Token = None, device_id: Token = None, staff_id: Token = None,
        kind: Annotated[str | None, Query(pattern=r"^[a-z][a-z_]{0,31}$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        cursor: Annotated[int, Query(ge=0, description="next_cursor of the previous page")] = 0,
    ) -> dict[str, Any]:
        await record(who.auditor_id, "audit.events.list", "success", {
            "session_id": session_id, "device_id": device_id, "staff_id": staff_id,
            "kind": kind, "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None, "limit": limit})
        rows = await queries.events(conn, queries.EventFilter(
            since=since, until=until, session_id=session_id, device_id=device_id,
            staff_id=staff_id, kind=kind), after_seq=cursor, limit=limit)
        return {"events": rows,
                "next_cursor": rows[-1]["seq"] if len(rows) == limit else None}

    @app.get("/v1/audit/verify")
    async def verify(who: Who, conn: Conn) -> dict[str, Any]:
        await record(who.auditor_id, "audit.verify", "success", {})
        report = await verify_chain(conn, trusted_keys=service.trusted_keys)
        return report.to_json() | {"root_hash": report.root.hex(),
                                   "key_pinned": bool(service.trusted_keys)}

    @app.get("/v1/audit/erasures")
    async def erasures(who: Who, conn: Conn, since: datetime | None = None,
                       until: datetime | None = None,
                       session_id: Token = None) -> dict[str, Any]:
        await record(who.auditor_id, "audit.erasures.list", "success",
                     {"session_id": session_id})
        return {"erasures": await queries.erasures(conn, since, until, session_id)}

    @app.get("/v1/audit/sessions/{session_id}/content")
    async def content(who: Who, conn: Conn, session_id: SessionPath) -> dict[str, Any]:
        """The session's redacted conversation content, unsealed, while its key exists."""
        await record(who.auditor_id, "audit.content.read", "success", {"session_id": session_id})
        try:
            found = await queries.session_content(conn, session_id)
        except Shredded:
            raise HTTPException(status.HTTP_410_GONE, "this session's content was shredded: "
                                "its key is destroyed (see /v1/audit/erasures)") from None
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no content for this session")
        return found

    @app.post("/v1/audit/sessions/{session_id}/content/shred")
    async def shred(who: Who, session_id: SessionPath) -> dict[str, Any]:
        """Destroy the session's content key now (a resident's request), admins only."""
        await admin_only(who, "audit.content.shred", {"session_id": session_id})
        # The request is recorded before anything is destroyed; the certificate follows it.
        await record(who.auditor_id, "audit.content.shred", "success", {"session_id": session_id})
        done = await service.writer.shred(session_id=session_id, reason="request",
                                          auditor_id=who.auditor_id)
        if not done:
            await record(who.auditor_id, "audit.content.shred", "failure",
                         {"session_id": session_id, "reason_code": "no_key"})
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no content key for this session")
        return {"session_id": session_id, "shredded": True,
                "certificate_seq": done[0].certificate_seq,
                "content_rows": done[0].content_rows}

    @app.get("/v1/audit/reports/usage")
    async def usage(who: Who, conn: Conn, since: datetime | None = None,
                    until: datetime | None = None) -> dict[str, Any]:
        await record(who.auditor_id, "audit.reports.usage", "success", {})
        return await queries.usage(conn, since, until)

    @app.get("/v1/audit/checkpoints")
    async def checkpoints(who: Who, conn: Conn) -> dict[str, Any]:
        await record(who.auditor_id, "audit.checkpoints.export", "success", {})
        return export_document(await load_checkpoints(conn))

    @app.get("/v1/audit/proofs/inclusion")
    async def inclusion_proof(who: Who, conn: Conn, seq: Annotated[int, Query(ge=1)],
                              tree_size: Annotated[int, Query(ge=1)]) -> dict[str, Any]:
        await record(who.auditor_id, "audit.proofs.inclusion", "success",
                     {"seq": seq, "tree_size": tree_size})
        try:
            proof = await inclusion(conn, seq, tree_size)
        except ProofError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        return {"seq": seq, "tree_size": tree_size, "proof": [p.hex() for p in proof]}

    @app.get("/v1/audit/proofs/consistency")
    async def consistency_proof(who: Who, conn: Conn, first: Annotated[int, Query(ge=0)],
                                second: Annotated[int, Query(ge=1)]) -> dict[str, Any]:
        await record(who.auditor_id, "audit.proofs.consistency", "success",
                     {"first": first, "second": second})
        try:
            proof = await consistency(conn, first, second)
        except ProofError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        return {"first": first, "second": second, "proof": [p.hex() for p in proof]}

    return app
