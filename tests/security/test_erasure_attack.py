"""Attack on the erasure promise: after a close, look for the session in EVERY stream, key-value
and object bucket of the real server — its planted values and its id — not only where the
erasure code knows to look. Only the erasure record (the session's state in `sessions`, with
its receipt) and the metadata-only audit trail may name the session afterwards."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

from nats.aio.client import Client

from madoguchi.redaction.identifiers import my_number_check_digit
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.streams import AUDIT
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.audio_corpus import encode
from madoguchi.testing.ingest.harness import (
    Tablet,
    admin_client,
    enrol,
    ingest_settings,
    running_ingest,
    sign_in,
)
from madoguchi.translation.service import setup
from madoguchi.translation.settings import TranslationSettings

# The erasure record: the session's state with its receipt, the tombstone that tells stages
# it is closed (both ids only, expiring with the conversation), the metadata-only audit trail.
ALLOWED_TO_NAME_THE_SESSION = {"KV_sessions", "KV_closed_sessions", AUDIT}
NAME = "宇佐美瑠璃子"
PLANTED_NUMBER = "27182818284" + str(my_number_check_digit("27182818284"))


async def _every_message(admin: Client) -> dict[str, list[tuple[str, bytes]]]:
    """Stream name -> (subject, data) of every message it holds, read by sequence."""
    js = admin.jetstream()
    found: dict[str, list[tuple[str, bytes]]] = {}
    for info in await js.streams_info():
        name = info.config.name
        assert name is not None
        found[name] = []
        if not info.state.messages:
            continue
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                msg = await js.get_msg(name, seq)
            except Exception:  # deleted or purged in the middle of the range
                continue
            found[name].append((msg.subject or "", msg.data or b""))
    return found


def _b64(value: str) -> str:
    """How object names appear in the object store's subjects (a prefix of it)."""
    return base64.urlsafe_b64encode(value.encode()).decode()[:40]


def _readable(data: bytes) -> str:
    """The bytes as text, plus their JSON unescaped and any base64 payload decoded: an
    encoding must not hide a value from the search."""
    text = data.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        return text
    text += json.dumps(body, ensure_ascii=False)
    if isinstance(body, dict) and isinstance(body.get("payload_b64"), str):
        text += _readable(base64.b64decode(body["payload_b64"]))
    return text


async def _staff_says(http: Any, tablet: Tablet, text: str) -> tuple[dict[str, str], str]:
    """Sign in, open a session for an English-speaking visitor, and type `text` as staff."""
    auth = await sign_in(http, tablet)
    sid = (await http.post("/v1/sessions", headers=auth, json={
        "counter_id": "c-1", "visitor_language": "en"})).json()["session_id"]
    assert (await http.post(f"/v1/sessions/{sid}/texts", headers=auth, json={
        "speaker": "staff", "text": text})).status_code == 202
    return auth, str(sid)


async def test_nothing_of_a_closed_session_is_left_anywhere(
    secure_nats: SecureNats, tmp_path: Path,
) -> None:
    # Translation with no model installed (a fresh install): typed text is refused `no_model`.
    settings = TranslationSettings(env="test", nats=secure_nats.settings_for("translation"),
                                   models_dir=tmp_path / "no-models")
    translation = ServiceRuntime("translation", settings)
    setup(settings)(translation)
    await translation.start()
    admin = await admin_client(secure_nats)
    try:
        tablet = await enrol(admin)
        async with running_ingest(ingest_settings(secure_nats)) as ingest, \
                ingest.client() as http:
            typed = f"{NAME}です。個人番号は{PLANTED_NUMBER}です。"
            auth, sid = await _staff_says(http, tablet, typed)
            upload = await http.post(f"/v1/sessions/{sid}/utterances?speaker=staff",
                                     content=encode("wav", 1.0),
                                     headers=auth | {"Idempotency-Key": "first-try"})
            assert upload.status_code == 202
            # A malformed event on the session's subject: dead-lettered with its content.
            await admin.jetstream().publish(
                f"mg.v1.text.submitted.{sid}",
                json.dumps({"session_id": sid, "text": typed}).encode())
            for _ in range(100):  # the refusal and the dead letter have happened
                everything = await _every_message(admin)
                failed = [s for s, _ in everything["CONVERSATION"] if ".failed." in s]
                if failed and everything["DEADLETTER"]:
                    break
                await asyncio.sleep(0.1)
            assert failed and everything["DEADLETTER"], "the attack needs its positive control"
            assert any(PLANTED_NUMBER in _readable(d) for _, d in everything["DEADLETTER"])

            closed = await http.post(f"/v1/sessions/{sid}/close", headers=auth)
            assert closed.status_code == 200, closed.text
            receipt = closed.json()
        await asyncio.sleep(0.5)  # anything still in flight lands now
        assert receipt["remaining_messages"] == 0
        assert receipt["dead_letters_removed"] >= 1
        assert receipt["idempotency_records_removed"] == 1

        left: list[str] = []
        for stream, messages in (await _every_message(admin)).items():
            for subject, data in messages:
                text = _readable(data)
                for planted in (NAME, PLANTED_NUMBER):
                    if planted in text:
                        left.append(f"{stream} {subject}: planted value")
                if subject == f"mg.v1.session.erased.{sid}":
                    continue  # the erasure record itself: counts and keys, no content
                if stream not in ALLOWED_TO_NAME_THE_SESSION and (sid in text or sid in subject
                                                                   or _b64(sid) in subject):
                    left.append(f"{stream} {subject}: names the session")
        assert left == [], left
    finally:
        await translation.stop()
        await admin.close()


class _HeldEngine:
    """An engine that holds its first translation until released: work in flight."""

    model_id = "held-test-engine"

    def __init__(self) -> None:
        import threading

        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        self.entered.set()
        self.release.wait(30)
        self.calls += 1
        return [f"[{target}] {t}" for t in texts]


async def _session_messages(admin: Client, sid: str) -> list[str]:
    return [f"{stream} {subject}" for stream, messages in (await _every_message(admin)).items()
            if stream not in ALLOWED_TO_NAME_THE_SESSION
            for subject, _ in messages
            if subject.endswith(f".{sid}") and subject != f"mg.v1.session.erased.{sid}"]


async def test_results_of_work_in_flight_at_the_close_never_land(
    secure_nats: SecureNats,
) -> None:
    from madoguchi.shared.phrases import load_phrasebook
    from madoguchi.shared.runtime import Stage
    from madoguchi.translation.batching import BatchingEngine
    from madoguchi.translation.glossary import Glossary
    from madoguchi.translation.pipeline import TranslationPipeline
    from madoguchi.translation.worker import Incoming, TranslationHandler

    engine = _HeldEngine()
    settings = TranslationSettings(env="test", nats=secure_nats.settings_for("translation"))
    translation = ServiceRuntime("translation", settings)
    handler = TranslationHandler(TranslationPipeline(
        BatchingEngine(engine), load_phrasebook(), Glossary.load()))
    translation.consume(Stage(Incoming, handler.handle, concurrency=4, drop_after_close=True))
    await translation.start()
    admin = await admin_client(secure_nats)
    try:
        tablet = await enrol(admin)
        quick = ingest_settings(secure_nats, sweep_interval_s=0.3, erasure_second_pass_s=1.5)
        async with running_ingest(quick) as ingest, ingest.client() as http:
            auth, sid = await _staff_says(http, tablet, f"{NAME}さん、転入届をお願いします。")
            assert await asyncio.to_thread(engine.entered.wait, 20), "translation never started"
            receipt = (await http.post(f"/v1/sessions/{sid}/close", headers=auth)).json()
            assert receipt["remaining_messages"] == 0
            engine.release.set()  # the work in flight finishes after the purge
            for _ in range(100):  # translation and back-translation done
                if engine.calls >= 2:
                    break
                await asyncio.sleep(0.05)
            assert engine.calls >= 2, "the in-flight work never finished"
            await asyncio.sleep(1.0)  # its results would have been published by now
            assert await _session_messages(admin, sid) == []

            # A result that slipped past the tombstone (published straight onto the stream)
            # is removed by the second pass, and the certificate says so.
            await admin.jetstream().publish(f"mg.v1.utterance.failed.{sid}", b"{}")
            for _ in range(100):
                again = (await http.post(f"/v1/sessions/{sid}/close", headers=auth)).json()
                if again.get("second_pass"):
                    break
                await asyncio.sleep(0.1)
            assert again["second_pass"] is not None
            assert again["second_pass"]["messages_removed"] >= 1
            assert again["second_pass"]["remaining_messages"] == 0
            assert await _session_messages(admin, sid) == []
    finally:
        engine.release.set()
        await translation.stop()
        await admin.close()
