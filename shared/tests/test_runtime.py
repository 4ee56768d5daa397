"""The service runtime binds its durable as the service's own user and acks only finished work."""

from __future__ import annotations

import asyncio

import pytest

from madoguchi.shared.contracts import TextSubmitted
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import NOTHING, Context, Outcome, ServiceRuntime, Stage
from madoguchi.shared.settings import ServiceSettings
from madoguchi.shared.streams import CONVERSATION
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.events import origin_for


def _text(n: int) -> TextSubmitted:
    return TextSubmitted(session_id="s1", utterance_id=f"u{n}", speaker="staff", language="ja",
                         text=f"番号{n}", origin=origin_for("s1", f"u{n}"))


async def test_runtime_consumes_as_its_own_user(secure_nats: SecureNats) -> None:
    settings = ServiceSettings(env="test", nats=secure_nats.settings_for("translation"))
    seen: list[str] = []
    done = asyncio.Event()

    async def handler(event: TextSubmitted, context: Context) -> Outcome:
        seen.append(event.utterance_id)
        if len(seen) == 3:
            done.set()
        return NOTHING

    runtime = ServiceRuntime("translation", settings)
    runtime.consume(Stage(TextSubmitted, handler))
    await runtime.start()
    admin = await connect(secure_nats.admin(), "admin")
    try:
        assert runtime.readiness() == {"nats": True, "consumer": True}
        for n in range(3):
            await publish_event(admin.jetstream(), _text(n))
        await asyncio.wait_for(done.wait(), 10)
        await asyncio.sleep(0.2)
        info = await admin.jetstream().consumer_info(CONVERSATION, "translation")
        assert sorted(seen) == ["u0", "u1", "u2"]
        assert info.num_ack_pending == 0 and info.num_pending == 0
    finally:
        await runtime.stop()
        await admin.close()


async def test_runtime_refuses_to_run_without_declared_consumer(
    secure_nats_unapplied: SecureNats,
) -> None:
    from nats.js.errors import NotFoundError

    settings = ServiceSettings(env="test", nats=secure_nats_unapplied.settings_for("redaction"))
    runtime = ServiceRuntime("redaction", settings)
    with pytest.raises(NotFoundError):
        await runtime.start()
    await runtime.stop()


async def test_runtime_reports_its_consumer_backlog(secure_nats: SecureNats) -> None:
    from madoguchi.shared.contracts import UtteranceTranscribed
    from madoguchi.shared.telemetry import OtelSettings, configure_telemetry, prometheus_text

    configure_telemetry("redaction", OtelSettings())
    settings = ServiceSettings(env="test", nats=secure_nats.settings_for("redaction"))
    runtime = ServiceRuntime("redaction", settings)  # binds, registers no handler: consumes 0
    admin = await connect(secure_nats.admin(), "admin")
    try:
        for n in range(3):
            await publish_event(admin.jetstream(), UtteranceTranscribed(
                session_id="s1", utterance_id=f"u{n}", speaker="visitor", status="text",
                text="x", audio_duration_ms=1, model_id="m", origin=origin_for("s1", f"u{n}")))
        await runtime.start()
        line = ""
        for _ in range(100):
            lines = [x for x in prometheus_text().decode().splitlines()
                     if x.startswith("madoguchi_consumer_pending") and 'service="redaction"' in x]
            line = lines[0] if lines else ""
            if line.endswith(" 3.0"):
                break
            await asyncio.sleep(0.1)
        assert line.endswith(" 3.0"), line
    finally:
        await runtime.stop()
        await admin.close()
