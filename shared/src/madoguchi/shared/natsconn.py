"""One way to connect to NATS: TLS, per-service user, per-service inbox prefix.

The inbox prefix matters for the privacy boundary: replies (including pulled JetStream
messages) go to `_INBOX.<service>.*`, and each user may only subscribe to its own prefix, so
no service can eavesdrop on another's deliveries through a `_INBOX.>` wildcard.
"""

from __future__ import annotations

import asyncio
import ssl

import nats
from nats.aio.client import Client

from madoguchi.shared.settings import NatsSettings


def inbox_prefix(service: str) -> str:
    return f"_INBOX.{service}"


def tls_context(settings: NatsSettings) -> ssl.SSLContext | None:
    if not settings.uses_tls:
        return None
    ctx = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(settings.ca_file) if settings.ca_file else None
    )
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.cert_file and settings.key_file:
        ctx.load_cert_chain(str(settings.cert_file), str(settings.key_file))
    return ctx


def connect_options(settings: NatsSettings, service: str) -> dict[str, object]:
    options: dict[str, object] = {
        "servers": [settings.url],
        "name": f"madoguchi-{service}",
        "inbox_prefix": inbox_prefix(service).encode(),
        "connect_timeout": settings.connect_timeout,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
    }
    tls = tls_context(settings)
    if tls is not None:
        options["tls"] = tls
        options["tls_hostname"] = "localhost" if "127.0.0.1" in settings.url else None
    if settings.user:
        options["user"] = settings.user
        options["password"] = settings.password.get_secret_value() if settings.password else ""
    return options


async def connect(settings: NatsSettings, service: str, **extra: object) -> Client:
    """Connect, giving up after `initial_connect_timeout`; once up, reconnect for ever.

    A refused credential or a plaintext/TLS mismatch must fail start-up loudly, not spin.
    """
    options = connect_options(settings, service) | extra
    return await asyncio.wait_for(
        nats.connect(**options),  # type: ignore[arg-type]
        timeout=settings.initial_connect_timeout,
    )
