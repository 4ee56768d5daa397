"""HTTP hardening around the app: request size caps and security headers (pure ASGI, so the
body is counted while it streams in, before anything buffers it)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

# The tablet app's pages (`/app/`) may load their own scripts/styles, call the API and use the
# microphone — all same-origin only; no inline code, no third party. Everything else is as above.
APP_PATH = "/app"
APP_HEADERS = {
    b"content-security-policy": (
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"connect-src 'self'; manifest-src 'self'; media-src 'self' blob:; base-uri 'none'; "
        b"form-action 'none'; frame-ancestors 'none'"),
    b"permissions-policy": b"camera=(), microphone=(self), geolocation=()",
}


DRAIN_LIMIT = 16 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path: str = scope.get("path", "")
        is_app = path == APP_PATH or path.startswith(APP_PATH + "/")
        headers = [(k, APP_HEADERS.get(k, v)) if is_app else (k, v) for k, v in SECURITY_HEADERS]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in headers if h[0] not in existing)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """413 as soon as a body passes its cap: audio uploads get `audio_bytes`, the rest
    `json_bytes`. A declared Content-Length over the cap is refused before reading a byte."""

    def __init__(self, app: ASGIApp, *, json_bytes: int, audio_bytes: int) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.audio_bytes = audio_bytes

    def _cap(self, scope: Scope) -> int:
        path: str = scope.get("path", "")
        return self.audio_bytes if path.endswith("/utterances") else self.json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self._cap(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > cap):
                await _drain(receive)
                await _too_large(send, cap)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started |= message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _drain(receive)
                await _too_large(send, cap)


async def _drain(receive: Receive) -> None:
    """Read (and drop) a bounded remainder so the client sees the 413 instead of a reset;
    beyond `DRAIN_LIMIT` the connection is simply closed."""
    drained = 0
    while drained < DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _too_large(send: Send, cap: int) -> None:
    body = json.dumps({"detail": {"code": "too_large",
                                  "reason": f"request body is larger than {cap} bytes"}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # the rest of the body is not read
    await send({"type": "http.response.body", "body": body})
