"""The tablet API (FastAPI). Handlers stay thin: auth, session lookup, then one module each."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from nats.js.errors import (
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NotFoundError,
    ObjectNotFoundError,
)

from madoguchi.ingest import api
from madoguchi.ingest.audio_probe import AudioRejected
from madoguchi.ingest.auth import (
    DeviceProof,
    Principal,
    admit,
    authenticate,
    context_of,
    login,
    still_authorized,
)
from madoguchi.ingest.context import IngestContext
from madoguchi.ingest.enrolment import EnrolmentRefused, enrol
from madoguchi.ingest.erasure import audio_prefix, close_session
from madoguchi.ingest.live import parse_last_event_id, session_events
from madoguchi.ingest.phrases import phrases_view
from madoguchi.ingest.sessions import SessionConflict, SessionState, new_session_id
from madoguchi.ingest.settings import IngestSettings
from madoguchi.shared.contracts import (
    AudioReference,
    SessionOpened,
    Speaker,
    TextSubmitted,
    UtteranceReceived,
)
from madoguchi.shared.contracts.envelope import TOKEN_PATTERN
from madoguchi.shared.http_tracing import RequestSpans
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.streams import AUDIO_BUCKET, speech_key
from madoguchi.shared.telemetry import stage_instruments

WEBAPP_DIR = Path(__file__).parent / "webapp"
Auth = Annotated[Principal, Depends(authenticate)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)]
# 422 is both FastAPI's validation error (a list) and an audio rejection ({code, reason}).
UNPROCESSABLE: dict[str, Any] = {
    "description": "invalid parameters, or the audio was rejected (detail.code says why)",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["detail"], "properties": {"detail": {"anyOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
            {"type": "object", "required": ["code", "reason"],
             "properties": {"code": {"type": "string"}, "reason": {"type": "string"}}},
        ]}}}}},
}
UNSUPPORTED = {"not_audio", "container_not_allowed", "codec_not_allowed", "not_audio_only"}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "not signed in / revoked"}, 404: {"description": "no such session"},
    429: {"description": "rate limited"},
}


def create_app(settings: IngestSettings) -> FastAPI:
    from madoguchi.ingest.guards import APP_PATH, BodyLimit, SecurityHeaders

    app = FastAPI(title="Madoguchi ingest", version="1.0.0",
                  description="The counter tablets' API. Every call but sign-in needs a Bearer "
                              "token from POST /v1/auth/login.",
                  # Our RequestSpans makes the request span instead: FastAPI's own would honour a
                  # tablet's traceparent and record url.query.
                  telemetry={"tracing": False},
                  # FastAPI's docs pages load their scripts from a CDN, which the counter
                  # network cannot reach and the CSP refuses: served outside prod only.
                  # The contract stays at /openapi.json (and services/ingest/openapi.json).
                  docs_url=None if settings.env == "prod" else "/docs", redoc_url=None)
    app.add_middleware(BodyLimit, json_bytes=settings.limits.max_json_bytes,
                       audio_bytes=settings.audio.max_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"], allow_credentials=False,
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                                          "Last-Event-ID"])
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestSpans)  # outermost: the utterance's trace starts here
    _routes(app)
    # The counter-tablet app (static files, no CDN): docs/tablet-app.md.
    from fastapi.staticfiles import StaticFiles

    app.mount(APP_PATH, StaticFiles(directory=WEBAPP_DIR, html=True), name="tablet-app")
    return app


def _session_view(state: SessionState) -> api.SessionResponse:
    return api.SessionResponse(**state.model_dump(include=set(api.SessionResponse.model_fields)))


async def _own_session(ctx: IngestContext, session_id: str, who: Principal,
                       *, must_be_open: bool = True) -> tuple[SessionState, int]:
    if not re.fullmatch(TOKEN_PATTERN, session_id):
        raise HTTPException(404, "no such session")
    found = await ctx.sessions.get(session_id)
    # Another device's session is reported as missing: existence is not disclosed.
    if found is None or found[0].device_id != who.device_id:
        raise HTTPException(404, "no such session")
    if must_be_open and found[0].status != "open":
        raise HTTPException(409, "session is closed")
    return found


def _idempotency(key: str | None, *, required: bool) -> str | None:
    if key is None:
        if required:
            raise HTTPException(400, "Idempotency-Key header is required")
        return None
    if not re.fullmatch(TOKEN_PATTERN, key):
        raise HTTPException(400, "Idempotency-Key must match [A-Za-z0-9_-]{1,64}")
    return key


def _utterance_id(session_id: str, key: str | None) -> str:
    import uuid

    if key is None:
        return uuid.uuid4().hex[:24]
    # 24 hex digits (96 bits) keep `<session>-<utterance>` within a 64-character object key.
    # Deterministic: a retry maps to the same id and the same Nats-Msg-Id (JetStream dedupe).
    return hashlib.sha256(f"{session_id}/{key}".encode()).hexdigest()[:24]


async def _remembered(ctx: IngestContext, idem_key: str) -> dict[str, object] | None:
    try:
        entry = await ctx.idempotency.get(idem_key)
    except KeyNotFoundError:
        return None
    return json.loads(entry.value) if entry.value else None


async def _remember(ctx: IngestContext, idem_key: str, record: dict[str, object]) -> None:
    # A concurrent retry may have stored the same record first: fine.
    with contextlib.suppress(KeyWrongLastSequenceError):
        await ctx.idempotency.create(idem_key, json.dumps(record).encode())


async def _read_capped(request: Request, cap: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise HTTPException(413, {"code": "too_large",
                                      "reason": f"audio is larger than {cap} bytes"})
    return bytes(body)


def _routes(app: FastAPI) -> None:
    @app.post("/v1/auth/login", response_model=api.LoginResponse,
              responses={401: {"description": "refused"},
                         423: {"description": "locked out"},
                         429: {"description": "too many sign-in attempts from this source"}})
    async def sign_in(body: api.LoginRequest, request: Request) -> api.LoginResponse:
        ctx = context_of(request)
        source = request.client.host if request.client else "unknown"
        proof = DeviceProof(secret=body.device_secret, challenge=body.challenge,
                            signature=body.signature)
        token, expires = await login(ctx, body.device_id, proof, body.staff_id, body.password,
                                     source)
        return api.LoginResponse(token=token, expires_at=expires, device_id=body.device_id,
                                 staff_id=body.staff_id)

    @app.post("/v1/auth/challenge", response_model=api.ChallengeResponse,
              responses={429: {"description": "too many requests from this source"}})
    async def challenge(body: api.ChallengeRequest, request: Request) -> api.ChallengeResponse:
        ctx = context_of(request)
        source = request.client.host if request.client else "unknown"
        # Issued to anyone (it writes nothing and says nothing about the device): only a
        # signature by the enrolled key makes it worth anything.
        if not ctx.limiter.allow(f"challenge:{source}"):
            raise HTTPException(429, "too many requests", headers={"Retry-After": "1"})
        issued = ctx.challenges_signer.issue(body.device_id)
        return api.ChallengeResponse(challenge=issued.text, expires_at=issued.expires_at)

    @app.post("/v1/devices/enrol", status_code=201, response_model=api.EnrolResponse,
              responses={400: {"description": "the public key is not an ECDSA P-256 SPKI"},
                         401: {"description": "code invalid, expired or already used"},
                         429: {"description": "too many attempts from this source"}})
    async def enrol_device(body: api.EnrolRequest, request: Request) -> api.EnrolResponse:
        ctx = context_of(request)
        source = request.client.host if request.client else "unknown"
        await admit(ctx, source, device_id=body.device_id)
        try:
            await enrol(ctx, body.device_id, body.code, body.public_key)
        except EnrolmentRefused as exc:
            await ctx.audit("auth", "device.enrolled", "failure", device_id=body.device_id,
                            reason_code=exc.code)
            reason = ("the public key must be ECDSA P-256 (SPKI, base64)" if exc.status == 400
                      else "enrolment code invalid, expired or already used")
            raise HTTPException(exc.status, reason) from None
        await ctx.audit("auth", "device.enrolled", "success", device_id=body.device_id)
        return api.EnrolResponse(device_id=body.device_id, enrolled=True)

    @app.post("/v1/sessions", status_code=201, response_model=api.SessionResponse,
              responses={**ERRORS, 400: {"description": "language not supported"}})
    async def open_session(body: api.OpenSessionRequest, request: Request,
                           who: Auth) -> api.SessionResponse:
        ctx = context_of(request)
        for tag in (body.staff_language, body.visitor_language):
            if tag is not None and tag not in ctx.settings.languages:
                raise HTTPException(400, "language not supported: see GET /v1/languages")
        state = SessionState(
            session_id=new_session_id(), counter_id=body.counter_id, device_id=who.device_id,
            staff_id=who.staff_id, staff_language=body.staff_language,
            visitor_language=body.visitor_language,
            confirm_before_showing=ctx.settings.confirm.mode(body.counter_id),
        )
        await ctx.sessions.create(state)
        await publish_event(ctx.js, SessionOpened(
            session_id=state.session_id, counter_id=state.counter_id,
            device_id=state.device_id, staff_id=state.staff_id,
            staff_language=state.staff_language, visitor_language=state.visitor_language))
        await ctx.audit("session", "opened", "success", device_id=who.device_id,
                        staff_id=who.staff_id, session_id=state.session_id,
                        counter_id=state.counter_id, staff_language=state.staff_language,
                        visitor_language=state.visitor_language or "auto")
        return _session_view(state)

    @app.post("/v1/sessions/{session_id}/utterances", status_code=202,
              response_model=api.UtteranceAccepted,
              responses={**ERRORS, 409: {"description": "closed, or key reused"},
                         413: {"description": "too large"}, 415: {"description": "not audio"},
                         422: UNPROCESSABLE},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string",
                                                          "format": "binary"}}}}})
    async def upload_utterance(
        session_id: str, request: Request, who: Auth,
        speaker: Annotated[Speaker, Query()],
        idempotency_key: IdempotencyKey = None,
    ) -> api.UtteranceAccepted:
        ctx = context_of(request)
        key = _idempotency(idempotency_key, required=True)
        state, revision = await _own_session(ctx, session_id, who)
        data = await _read_capped(request, ctx.settings.audio.max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        idem_key = f"{session_id}.{key}"
        seen = await _remembered(ctx, idem_key)
        if seen is not None:
            if seen.get("sha256") != digest:
                raise HTTPException(409, "Idempotency-Key was used for different audio")
            previous = api.UtteranceAccepted.model_validate(seen["response"])
            return previous.model_copy(update={"duplicate": True})
        try:
            probed = await ctx.prober.probe(data)
        except AudioRejected as exc:
            stage_instruments().uploads_rejected.add(1, {"reason_code": exc.code})
            await ctx.audit("utterance", "rejected", "denied", device_id=who.device_id,
                            staff_id=who.staff_id, session_id=session_id,
                            reason_code=exc.code, size_bytes=len(data))
            status = 413 if exc.code == "too_large" else 415 if exc.code in UNSUPPORTED else 422
            raise HTTPException(status, {"code": exc.code, "reason": exc.reason}) from None
        info = probed.info
        utterance_id = _utterance_id(session_id, key)
        object_key = f"{audio_prefix(session_id)}{utterance_id}"
        audio = AudioReference(
            bucket=AUDIO_BUCKET, key=object_key, stored_bytes=len(probed.pcm), sha256=digest,
            format=info.format, codec=info.codec, sample_rate=info.sample_rate,
            channels=info.channels, duration_ms=info.duration_ms, size_bytes=len(data))
        # The decoded samples are stored, never the uploaded container (see AudioReference).
        await ctx.audio.put(object_key, probed.pcm)
        del data, probed
        origin = state.origin(utterance_id, who.staff_id)
        language = origin.language_of(speaker)
        response = api.UtteranceAccepted(
            utterance_id=utterance_id, duplicate=False,
            audio=api.AudioSummary(**audio.model_dump(include=set(api.AudioSummary.model_fields))))
        # One round trip for the rest: the event (after the audio, which recognition reads),
        # the idempotency record, the audit event and the session's activity time. A crash in
        # between is safe: a retry maps to the same utterance id and Nats-Msg-Id.
        await asyncio.gather(
            publish_event(ctx.js, UtteranceReceived(
                event_id=utterance_id, session_id=session_id, utterance_id=utterance_id,
                speaker=speaker, origin=origin, audio=audio,
                language_hints=[language] if language else [])),
            _remember(ctx, idem_key, {"sha256": digest, "response": response.model_dump()}),
            ctx.audit("utterance", "received", "success", device_id=who.device_id,
                      staff_id=who.staff_id, session_id=session_id,
                      utterance_id=utterance_id, speaker=speaker.value, format=info.format,
                      duration_ms=info.duration_ms, size_bytes=audio.size_bytes),
            ctx.sessions.touch(state, revision),
        )
        return response

    @app.post("/v1/sessions/{session_id}/texts", status_code=202,
              response_model=api.TextAccepted,
              responses={**ERRORS, 400: {"description": "unknown phrase or language"},
                         409: {"description": "closed"}})
    async def submit_text(session_id: str, body: api.TextRequest, request: Request, who: Auth,
                          idempotency_key: IdempotencyKey = None) -> api.TextAccepted:
        ctx = context_of(request)
        key = _idempotency(idempotency_key, required=False)
        state, revision = await _own_session(ctx, session_id, who)
        staff = body.speaker == Speaker.STAFF
        language = body.language or (state.staff_language if staff else state.visitor_language)
        if language is None:
            raise HTTPException(400, "language is required until the visitor's is known")
        if body.phrase_id is not None and ctx.phrases.by_id(body.phrase_id) is None:
            raise HTTPException(400, "unknown phrase_id: see GET /v1/phrases")
        utterance_id = _utterance_id(session_id, key)
        await publish_event(ctx.js, TextSubmitted(
            event_id=utterance_id, session_id=session_id, utterance_id=utterance_id,
            speaker=body.speaker, origin=state.origin(utterance_id, who.staff_id),
            language=language, text=body.text, phrase_id=body.phrase_id))
        await ctx.audit("utterance", "text_submitted", "success", device_id=who.device_id,
                        staff_id=who.staff_id, session_id=session_id,
                        utterance_id=utterance_id, speaker=body.speaker.value,
                        phrase_id=body.phrase_id, chars=len(body.text or ""))
        await ctx.sessions.touch(state, revision)
        return api.TextAccepted(utterance_id=utterance_id, duplicate=False)

    @app.post("/v1/sessions/{session_id}/utterances/{utterance_id}/feedback", status_code=204,
              responses={**ERRORS, 400: {"description": "unknown language"},
                         409: {"description": "closed"}})
    async def feedback(session_id: str, utterance_id: str, body: api.FeedbackRequest,
                       request: Request, who: Auth) -> None:
        ctx = context_of(request)
        state, revision = await _own_session(ctx, session_id, who)
        if not re.fullmatch(TOKEN_PATTERN, utterance_id):
            raise HTTPException(404, "no such utterance")
        if body.language is not None and body.language not in ctx.settings.languages:
            raise HTTPException(400, "language not supported: see GET /v1/languages")
        # Ids, the counter and the visitor's language only: the usage report counts these per
        # language and counter. The utterance's text is never needed to say it was not clear.
        await ctx.audit("utterance", body.kind, "success", device_id=who.device_id,
                        staff_id=who.staff_id, session_id=session_id,
                        utterance_id=utterance_id, by=body.by.value,
                        counter_id=state.counter_id,
                        language=state.visitor_language or body.language or "unknown")
        await ctx.sessions.touch(state, revision)

    @app.get("/v1/sessions/{session_id}/events", responses={
        **ERRORS, 200: {"content": {"text/event-stream": {}},
                        "description": "SSE: transcribed, translated, synthesized, failed, "
                                       "closed"}})
    async def events(session_id: str, request: Request, who: Auth,
                     last_event_id: Annotated[str | None, Header(alias="Last-Event-ID",
                                                                 max_length=32)] = None,
                     ) -> StreamingResponse:
        ctx = context_of(request)
        await _own_session(ctx, session_id, who)
        after = parse_last_event_id(last_event_id)
        async def authorized() -> bool:
            return await still_authorized(ctx, who)

        return StreamingResponse(session_events(ctx, request, session_id, after, authorized),
                                 media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})

    @app.get("/v1/sessions/{session_id}/speech/{utterance_id}", response_class=Response,
             responses={**ERRORS, 200: {"content": {"audio/wav": {}},
                                        "description": "the translation, spoken (WAV)"},
                        409: {"description": "closed"}})
    async def speech(session_id: str, utterance_id: str, request: Request,
                     who: Auth) -> Response:
        """The synthesised translation of one utterance, to the session's own tablet only
        (another device's session is "no such session"). 404 until the `synthesized` event."""
        ctx = context_of(request)
        await _own_session(ctx, session_id, who)
        if not re.fullmatch(TOKEN_PATTERN, utterance_id):
            raise HTTPException(404, "no such utterance")
        try:
            wav = await ctx.speech.read(speech_key(session_id, utterance_id))
        except (ObjectNotFoundError, NotFoundError):
            raise HTTPException(404, "no speech for this utterance (yet)") from None
        await ctx.audit("speech", "speech.served", "success", device_id=who.device_id,
                        staff_id=who.staff_id, session_id=session_id,
                        utterance_id=utterance_id, bytes=len(wav))
        # Personal data: never cached by the browser or a proxy.
        return Response(wav, media_type="audio/wav",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @app.post("/v1/sessions/{session_id}/close", response_model=api.ErasureReceipt,
              responses={**ERRORS, 409: {"description": "being closed right now"}})
    async def close(session_id: str, request: Request, who: Auth) -> api.ErasureReceipt:
        ctx = context_of(request)
        state, revision = await _own_session(ctx, session_id, who, must_be_open=False)
        if state.status == "closed" and state.receipt is not None:
            return state.receipt  # closing twice returns the same receipt
        if state.status != "open":
            raise HTTPException(409, "session is being closed")
        try:
            return await close_session(ctx, state, revision, "closed_by_staff",
                                       actor=f"staff:{who.staff_id}@device:{who.device_id}"[:200])
        except SessionConflict:
            raise HTTPException(409, "session is being closed") from None

    @app.get("/v1/languages", response_model=api.LanguagesResponse)
    async def languages(request: Request, who: Auth) -> api.LanguagesResponse:
        ctx = context_of(request)
        return api.LanguagesResponse(
            languages=[api.Language(tag=t) for t in ctx.settings.languages],
            translation=(await ctx.capabilities.translation()).mode)

    @app.get("/v1/phrases", response_model=api.PhrasesResponse)
    async def phrases(request: Request, who: Auth) -> api.PhrasesResponse:
        return phrases_view(context_of(request).phrases)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Type only: messages may echo input. NATS hiccups become a retryable 503.
        return JSONResponse({"detail": "temporarily unavailable"}, status_code=503)
