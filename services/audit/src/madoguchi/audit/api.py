"""The auditor HTTP API. Every request is authenticated (HTTP Basic, argon2id) and every
query is appended to the trail *before* the answer is returned: if the record cannot be
written the query is not answered (fail closed). Refused sign-ins are recorded too, the first
per account and window at once and the rest as one summary (`login_failures`); sign-ins are
rate-limited per source and in all, with a bounded number of argon2 checks at once. Roles:
`auditor` reads; `admin` may also shred a session's content early."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, StringConstraints

from madoguchi.audit import queries
from madoguchi.audit.accounts import Auditor, load_account, stored_credentials
from madoguchi.audit.analysis import Rules, analyse, report_json
from madoguchi.audit.checkpoints import export_document
from madoguchi.audit.console import COOKIE, CSRF_HEADER
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.erasure_report import build_document as erasure_report_document
from madoguchi.audit.erasure_report import render_pdf
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
    async with _service(request).connection() as conn:
        yield conn


Conn = Annotated[AsyncConn, Depends(_connection)]


async def _auditor(request: Request,
                   credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
                   ) -> Auditor:
    """HTTP Basic (the CLI, scripts) or the console's session cookie. Credentials and the
    sign-in limits are checked before any database connection is opened, so a flood of bad
    requests cannot exhaust PostgreSQL's connections. (Endpoints list `who` before `conn`:
    FastAPI resolves dependencies in that order.)"""
    service = _service(request)
    # No Basic challenge for the console's own calls: a browser would answer it with its
    # password dialog (and hold the page's request) instead of showing the sign-in page.
    console = request.headers.get(CSRF_HEADER) == "1" or COOKIE in request.cookies
    challenge = None if console else {"WWW-Authenticate": 'Basic realm="madoguchi-audit"'}
    if credentials is None:
        session = service.console.open(request.cookies.get(COOKIE))
        if session is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "credentials required",
                                headers=challenge)
        # A cookie rides along on any request the browser makes: a change needs the console's
        # own header too, which another site's page cannot add (CSRF).
        if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != "1":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "missing the console's header")
        async with service.connection() as conn:
            account = await load_account(conn, session.auditor_id)
        if account is None or account.disabled:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "signed out")
        return account
    return await sign_in(request, credentials.username, credentials.password)


async def sign_in(request: Request, username: str, password: str) -> Auditor:
    """Check an auditor's password under the sign-in limits; refusals are recorded."""
    service = _service(request)
    challenge = None if request.headers.get(CSRF_HEADER) == "1" else {
        "WWW-Authenticate": 'Basic realm="madoguchi-audit"'}
    credentials = HTTPBasicCredentials(username=username, password=password)
    source = request.client.host if request.client else "unknown"
    if not service.logins.admit(source):
        await service.failed_logins.refused(None, "auditor.login_throttled")
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            "too many sign-in attempts: try again shortly",
                            headers={"Retry-After": "5"})
    # The connection is given back before the argon2 check, which may wait its turn behind a
    # flood: waiting sign-ins must not hold PostgreSQL's connections (found by attack: 100 at
    # once answered 503 for everyone when each held one).
    async with service.connection() as conn:
        stored = await stored_credentials(conn, credentials.username)
    account = await stored.check(credentials.password, verify=service.logins.verify)
    known = stored.account is not None
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

    @app.get("/v1/audit/reports/usage.csv", response_class=Response)
    async def usage_csv(who: Who, conn: Conn, since: datetime | None = None,
                        until: datetime | None = None) -> Response:
        """The usage report for spreadsheets: one `figure,key,value` row per count."""
        await record(who.auditor_id, "audit.reports.usage_csv", "success", {})
        return Response(usage_rows_csv(await queries.usage(conn, since, until)),
                        media_type="text/csv; charset=utf-8", headers={
                            "Content-Disposition": 'attachment; filename="usage.csv"'})

    @app.get("/v1/audit/erasures/report.pdf", response_class=Response)
    async def erasure_report(
        who: Who, conn: Conn,
        first: Annotated[date, Query(alias="from", description="First day (JST)")],
        last: Annotated[date, Query(alias="to", description="Last day (JST), inclusive")],
    ) -> Response:
        """電子データの消去報告書 for a period: every certificate with its signed checkpoint
        and inclusion proof, printable, with the same data attached as JSON."""
        if last < first or (last - first).days > 366:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                "give from <= to, at most a year apart")
        await record(who.auditor_id, "audit.erasures.report", "success",
                     {"from": first.isoformat(), "to": last.isoformat()})
        document = await erasure_report_document(conn, first, last)
        pdf = await asyncio.to_thread(render_pdf, document, who.auditor_id)
        name = f"erasure-report-{first.isoformat()}-{last.isoformat()}.pdf"
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/v1/audit/findings")
    async def findings(who: Who, conn: Conn,
                       days: Annotated[int, Query(ge=1, le=366)] = 7) -> dict[str, Any]:
        """The periodic analysis's findings for the last `days`, with its thresholds (read
        only: `madoguchi audit analyse` is what appends a report to the trail)."""
        await record(who.auditor_id, "audit.findings", "success", {"days": days})
        now = datetime.now(UTC)
        rules = Rules(retention=timedelta(seconds=service.settings.retention_s))
        flags = await analyse(conn, now - timedelta(days=days), now, now, rules)
        thresholds = {k: (v.total_seconds() if isinstance(v, timedelta) else v)
                      for k, v in asdict(rules).items()}
        return {"since": (now - timedelta(days=days)).isoformat(), "until": now.isoformat(),
                "thresholds": thresholds, "flags": report_json(flags)}

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

    _console_routes(app, service)
    return app


def usage_rows_csv(report: dict[str, Any]) -> str:
    import csv
    import io

    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(["figure", "key", "value"])
    for figure, values in report.items():
        if figure == "latency_ms_per_stage":
            for stage, stats in values.items():
                for name, value in stats.items():
                    table.writerow([f"latency_ms_{name}", stage, value])
        elif isinstance(values, dict) and figure != "time_zones":
            for key, value in values.items():
                table.writerow([figure, key, value])
    return out.getvalue()


def _console_routes(app: FastAPI, service: AuditService) -> None:
    from fastapi.staticfiles import StaticFiles

    from madoguchi.audit.console import STATIC_DIR

    secure = service.settings.env == "prod"  # dev/test run on plain http://127.0.0.1
    console_csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                   "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                   "base-uri 'none'")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        page = request.url.path.startswith("/console") and \
            not request.url.path.startswith("/console/api")
        response.headers["Content-Security-Policy"] = (
            console_csp if page else "default-src 'none'; frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/console/api/login")
    async def console_login(body: ConsoleLogin, request: Request) -> JSONResponse:
        if request.headers.get(CSRF_HEADER) != "1":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "missing the console's header")
        account = await sign_in(request, body.auditor_id, body.password)
        await service.record_access(account.auditor_id, "console.login", "success", {})
        reply = JSONResponse({"auditor_id": account.auditor_id, "role": account.role})
        reply.set_cookie(COOKIE, service.console.issue(account.auditor_id),
                         max_age=service.console.ttl_s, path="/", httponly=True,
                         secure=secure, samesite="strict")
        return reply

    @app.post("/console/api/logout")
    async def console_logout(who: Who) -> JSONResponse:
        await service.record_access(who.auditor_id, "console.logout", "success", {})
        reply = JSONResponse({"signed_out": True})
        reply.delete_cookie(COOKIE, path="/", httponly=True, secure=secure, samesite="strict")
        return reply

    @app.get("/console/api/me")
    async def console_me(who: Who) -> dict[str, str]:
        return {"auditor_id": who.auditor_id, "role": who.role}

    @app.post("/console/api/view")
    async def console_view(who: Who, body: ConsoleView) -> dict[str, bool]:
        """A page the auditor opened: page views are in the trail like queries."""
        await service.record_access(who.auditor_id, "console.view", "success",
                                    {"page": body.page})
        return {"recorded": True}

    app.mount("/console", StaticFiles(directory=STATIC_DIR, html=True), name="console")


class ConsoleLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    auditor_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class ConsoleView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]{0,31}$")]
