"""Streams and consumers are applied idempotently with the settings the design asks for."""

from __future__ import annotations

import pytest
from nats.js.client import JetStreamContext
from nats.js.errors import APIError

from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.streams import AUDIT, CONSUMERS, CONVERSATION, apply_topology


async def test_apply_is_idempotent(jetstream: JetStreamContext) -> None:
    assert await apply_topology(jetstream) == []


async def test_stream_settings(jetstream: JetStreamContext) -> None:
    conversation = (await jetstream.stream_info(CONVERSATION)).config
    assert conversation.max_age == 3600 and conversation.duplicate_window == 120
    assert conversation.storage == "file"
    audit = (await jetstream.stream_info(AUDIT)).config
    assert audit.deny_delete and audit.deny_purge and not audit.max_age
    for spec in CONSUMERS:
        info = await jetstream.consumer_info(spec.stream, spec.durable)
        assert info.config.max_deliver == spec.config().max_deliver
        assert info.config.ack_policy == "explicit"


async def test_audit_stream_refuses_purge_and_delete(jetstream: JetStreamContext) -> None:
    ack = await publish_event(jetstream, AuditEvent(
        kind="auth", action="login", outcome="success", actor=AuditActor(service="ingest")))
    with pytest.raises(APIError):
        await jetstream.purge_stream(AUDIT)
    with pytest.raises(APIError):
        await jetstream.delete_msg(AUDIT, ack.seq)
    assert (await jetstream.stream_info(AUDIT)).state.messages == 1


def test_only_audit_retries_without_a_server_limit() -> None:
    limits = {spec.service: spec.config().max_deliver for spec in CONSUMERS}
    assert limits == {"recognition": 3, "translation": 5, "redaction": 5, "synthesis": 3,
                      "audit": -1}
