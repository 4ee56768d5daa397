"""Scenarios 2, 5, 6 on the real translation process:
SIGSTOP past the ack wait then SIGCONT (redeliveries absorbed), poison messages (dead letter,
stream not blocked), duplicate publishes with the same Nats-Msg-Id (one result)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from checker import History, field_of, read_subject, settle, shorten_ack_wait
from nats.aio.client import Client
from test_worker_kill import transcribed

from madoguchi.shared.contracts import DeadLetter
from madoguchi.shared.messaging import MSG_ID_HEADER, publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.streams import CONVERSATION, DEADLETTER, consumer_for
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.services import ServiceProcess


async def _translated(admin: Client, session: str) -> list[str]:
    return [field_of(raw, "utterance_id") for raw in await read_subject(
        admin.jetstream(), CONVERSATION, f"mg.v1.utterance.translated.{session}")]


async def test_sigstop_past_ack_wait_then_sigcont(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History], translation_env: dict[str, str],
) -> None:
    """Two replicas (as deployed); one is frozen holding messages. The server redelivers them
    to the other after the ack wait; on SIGCONT the frozen one finishes its stale copies and
    publishes results with the same derived event ids: JetStream's dedupe absorbs them."""
    await shorten_ack_wait(admin.jetstream(), "translation", 1.0)
    frozen = spawn("translation", translation_env, mode="test")
    spawn("translation", translation_env, mode="test")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    h = history("SIGSTOP 1 of 2 translation replicas 4s > ack_wait 1s")
    try:
        js = recognition.jetstream()
        for n in range(10):
            await publish_event(js, transcribed("s-stop", n))
            h.accept([f"u{n}"])
        frozen.pause()  # its open pull request still receives messages it cannot process
        h.fault()
        for n in range(10, 40):
            await publish_event(js, transcribed("s-stop", n))
            h.accept([f"u{n}"])
            await asyncio.sleep(0.02)
        await asyncio.sleep(4.0)
        frozen.resume()
        await settle(h, lambda: _translated(admin, "s-stop"), timeout=60, quiet=3.0)
        info = await admin.jetstream().consumer_info(CONVERSATION, "translation")
        # consumer_seq counts deliveries, redeliveries included: more deliveries than messages
        # means redeliveries really happened (otherwise the scenario proves nothing).
        redelivered = info.delivered.consumer_seq - len(h.accepted)
        h.note = f"{redelivered} redeliveries absorbed"
        assert redelivered > 0, info
        assert info.num_ack_pending == 0 and info.num_pending == 0, info
        h.check()
    finally:
        await recognition.close()


async def test_poison_messages_dead_letter_and_do_not_block(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History], translation_env: dict[str, str],
) -> None:
    process = spawn("translation", translation_env, mode="test")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    h = history("poison: 3 invalid payloads among 10 good")
    try:
        poison = {"p-bytes": b"\xff\xfe not json", "p-schema": b'{"schema_version": 1}',
                  "p-type": json.dumps({**json.loads(transcribed("s-poison", 0)
                                                     .model_dump_json()), "speaker": 42}).encode()}
        for n in range(10):
            if n in (1, 4, 7):
                key = list(poison)[(n - 1) // 3]
                # The admin can put anything on the subject: a buggy or hostile publisher.
                await admin.jetstream().publish("mg.v1.utterance.transcribed.s-poison",
                                                poison[key], headers={MSG_ID_HEADER: key})
            await publish_event(recognition.jetstream(), transcribed("s-poison", n))
            h.accept([f"u{n}"])
        await settle(h, lambda: _translated(admin, "s-poison"), timeout=60)
        h.fault()
        letters = await read_subject(admin.jetstream(), DEADLETTER,
                                     "mg.v1.deadletter.translation.>")
        dead = {DeadLetter.model_validate_json(raw).original_event_id for raw in letters}
        assert dead == set(poison), dead
        spec = consumer_for("translation")
        info = await admin.jetstream().consumer_info(CONVERSATION, spec.durable)
        assert info.num_pending == 0
        h.note = f"{len(dead)} dead letters; max_deliver {spec.max_deliver}"
        h.check()
        assert process.process is not None and process.process.poll() is None
    finally:
        await recognition.close()


async def test_duplicate_publishes_give_one_result(
    secure_nats: SecureNats, admin: Client, spawn: Callable[..., ServiceProcess],
    history: Callable[[str], History], translation_env: dict[str, str],
) -> None:
    spawn("translation", translation_env, mode="test")
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    h = history("duplicate publishes (same Nats-Msg-Id) x3")
    try:
        for n in range(10):
            for _ in range(3):  # a publisher retrying after a lost ack
                await publish_event(recognition.jetstream(), transcribed("s-dup", n))
            h.accept([f"u{n}"])
        await settle(h, lambda: _translated(admin, "s-dup"), timeout=60)
        h.check()
    finally:
        await recognition.close()
