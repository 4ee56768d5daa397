"""Speech output over real, secured NATS: a translation in, the synthesis service (real
engines, its own NATS user) stores the speech and announces it, the tablet downloads it from a
real ingest, and closing the session erases it — counted on the erasure receipt."""

from __future__ import annotations

import io
import json
import wave
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from nats.aio.client import Client

from madoguchi.shared.contracts import UtteranceSynthesized, UtteranceTranslated
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.natsconn import connect
from madoguchi.shared.runtime import ServiceRuntime
from madoguchi.shared.streams import CONVERSATION, SPEECH_BUCKET
from madoguchi.synthesis.service import setup
from madoguchi.synthesis.settings import SynthesisSettings
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.collect import collect
from madoguchi.testing.events import origin_for
from madoguchi.testing.ingest.harness import (
    admin_client,
    audit_events,
    enrol,
    ingest_settings,
    read_sse,
    running_ingest,
    sign_in,
)

pytestmark = pytest.mark.slow


@pytest_asyncio.fixture
async def synthesis(secure_nats: SecureNats, tmp_path) -> AsyncIterator[ServiceRuntime]:  # type: ignore[no-untyped-def]
    settings = SynthesisSettings(env="test", nats=secure_nats.settings_for("synthesis"),
                                 models_dir=tmp_path / "models", threads=1)
    runtime = ServiceRuntime("synthesis", settings)
    setup(settings)(runtime)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def _translated(sid: str, uid: str, *, speaker: str, source: str, target: str, text: str,
                visitor: str = "en") -> UtteranceTranslated:
    return UtteranceTranslated(
        session_id=sid, utterance_id=uid, speaker=speaker,  # type: ignore[arg-type]
        origin=origin_for(sid, uid, visitor_language=visitor, device_id="tablet-1",
                          staff_id="staff-1"),
        source_text="(source)", source_language=source, target_text=text,
        target_language=target, model_id="t")


def _wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate()


async def _speech_chunks(admin: Client) -> int:
    info = await admin.jetstream().stream_info(f"OBJ_{SPEECH_BUCKET}",
                                               subjects_filter=f"$O.{SPEECH_BUCKET}.>")
    return int(info.state.messages)


async def test_translations_are_spoken_downloaded_by_their_tablet_and_erased_at_close(
    secure_nats: SecureNats, synthesis: ServiceRuntime,
) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    other = await enrol(admin, "tablet-2", "staff-2")
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        opened = await http.post("/v1/sessions", headers=auth,
                                 json={"counter_id": "koseki-3", "visitor_language": "en"})
        sid = opened.json()["session_id"]
        js = translation.jetstream()
        await publish_event(js, _translated(  # staff -> visitor: English, Piper
            sid, "u-staff", speaker="staff", source="ja", target="en",
            text="Please write your name and address on this form."))
        await publish_event(js, _translated(  # visitor -> staff: Japanese, Kokoro
            sid, "u-visitor", speaker="visitor", source="en", target="ja",
            text="転入届を出したいです。"))
        await publish_event(js, _translated(  # no voice: answered, not silent
            sid, "u-tl", speaker="staff", source="ja", target="tl", text="Salamat po.",
            visitor="tl"))

        events = await read_sse(http, sid, auth, count=6, timeout=60)
        spoken = {e.utterance_id: e for e in (
            UtteranceSynthesized.model_validate_json(x["data"])
            for x in events if x["event"] == "synthesized")}
        assert set(spoken) == {"u-staff", "u-visitor", "u-tl"}
        assert spoken["u-staff"].status == "ready" and spoken["u-staff"].language == "en"
        assert spoken["u-staff"].voice_id == "piper-en_US-joe-medium"
        assert spoken["u-visitor"].voice_id == "kokoro-ja-jf_alpha"
        assert spoken["u-tl"].status == "unavailable"
        assert spoken["u-tl"].reason_code == "no_voice"
        for x in events:  # the announcement carries no text of the conversation
            if x["event"] == "synthesized":
                assert "name" not in x["data"] and "転入" not in x["data"]

        for uid, seconds in (("u-staff", 2.0), ("u-visitor", 1.0)):
            got = await http.get(f"/v1/sessions/{sid}/speech/{uid}", headers=auth)
            assert got.status_code == 200, got.text
            assert got.headers["content-type"] == "audio/wav"
            assert got.headers["cache-control"] == "no-store"
            assert got.content[:4] == b"RIFF" and _wav_seconds(got.content) > seconds
            audio = spoken[uid].audio
            assert audio is not None and audio.size_bytes == len(got.content)
        assert (await http.get(f"/v1/sessions/{sid}/speech/u-tl", headers=auth)
                ).status_code == 404
        # another tablet, signed in, cannot tell the session exists
        stranger = await sign_in(http, other)
        assert (await http.get(f"/v1/sessions/{sid}/speech/u-staff", headers=stranger)
                ).status_code == 404
        assert (await http.get(f"/v1/sessions/{sid}/speech/u-staff")).status_code == 401
        assert await _speech_chunks(admin) > 0

        closed = await http.post(f"/v1/sessions/{sid}/close", headers=auth)
        receipt = closed.json()
        assert sorted(receipt["speech_objects"]) == [f"{sid}-u-staff", f"{sid}-u-visitor"]
        assert receipt["remaining_messages"] == 0
        assert await _speech_chunks(admin) == 0  # content and name markers both gone
        assert (await http.get(f"/v1/sessions/{sid}/speech/u-staff", headers=auth)
                ).status_code == 409
    erasure = (await audit_events(admin, "erasure"))[-1]
    assert erasure["attributes"]["speech_objects"] == 2
    served = await audit_events(admin, "speech")
    assert {e["attributes"]["utterance_id"] for e in served} == {"u-staff", "u-visitor"}
    said = await audit_events(admin, "synthesis")
    assert {e["attributes"]["utterance_id"] for e in said} == {"u-staff", "u-visitor", "u-tl"}
    assert all("name" not in json.dumps(e) for e in said)
    await translation.close()
    await admin.close()


async def test_fixed_phrases_are_spoken_from_the_cache_after_the_first_time(
    secure_nats: SecureNats, synthesis: ServiceRuntime,
) -> None:
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    admin = await connect(secure_nats.admin(), "admin")
    try:
        for uid in ("p1", "p2"):
            event = _translated("s-phrase", uid, speaker="staff", source="ja", target="en",
                                text="Please wait a moment.")
            await publish_event(translation.jetstream(),
                                event.model_copy(update={"phrase_id": "greet-wait"}))
        messages = await collect(admin, "mg.v1.utterance.synthesized.s-phrase", 2, CONVERSATION)
        spoken = sorted((UtteranceSynthesized.model_validate_json(m.data) for m in messages),
                        key=lambda e: e.utterance_id)
        assert [e.cached for e in spoken] == [False, True]
        assert spoken[0].audio and spoken[1].audio
        assert spoken[0].audio.sha256 == spoken[1].audio.sha256  # the same audio
        assert spoken[0].audio.key != spoken[1].audio.key  # stored per session and utterance
    finally:
        await translation.close()
        await admin.close()
