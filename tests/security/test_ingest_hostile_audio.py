"""No input from the hostile corpus gets past validation: each is refused with a 4xx and a
reason, the service stays up, and nothing reaches the stream or the object store."""

from __future__ import annotations

import asyncio

import pytest
from nats.js.errors import NotFoundError

from madoguchi.ingest.audio_probe import AudioLimits, AudioRejected, probe_audio
from madoguchi.shared.streams import AUDIO_BUCKET, CONVERSATION
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.audio_corpus import hostile_corpus
from madoguchi.testing.ingest.harness import (
    admin_client,
    audit_events,
    enrol,
    ingest_settings,
    open_session,
    running_ingest,
    sign_in,
)

CORPUS = hostile_corpus()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_probe_rejects_every_hostile_file(name: str) -> None:
    with pytest.raises(AudioRejected) as rejected:
        probe_audio(CORPUS[name](), AudioLimits())
    assert rejected.value.code and rejected.value.reason


async def test_hostile_uploads_are_refused_over_http(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
        codes = {}
        for name, build in sorted(CORPUS.items()):
            r = await http.post(f"/v1/sessions/{sid}/utterances?speaker=visitor",
                                content=build(), headers=auth | {"Idempotency-Key": name})
            assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
            detail = r.json()["detail"]
            assert detail["code"] and detail["reason"], name
            codes[name] = detail["code"]
        assert codes["flac_bomb_undeclared"] == "too_long"
        assert codes["thousands_of_channels"] == "channels_not_allowed"
        assert (await http.get("/readyz")).status_code == 200
        info = await admin.jetstream().stream_info(
            CONVERSATION, subjects_filter=f"mg.v1.utterance.received.{sid}")
        assert not info.state.subjects  # nothing undecodable was handed downstream
        obs = await admin.jetstream().object_store(AUDIO_BUCKET)
        with pytest.raises(NotFoundError):
            await obs.list()
    rejected = [e for e in await audit_events(admin, "utterance") if e["action"] == "rejected"]
    assert len(rejected) == len(CORPUS)
    await admin.close()


async def test_a_slow_probe_is_cut_off_and_the_service_stays_up(secure_nats: SecureNats) -> None:
    """A worker past its wall-clock budget is killed and replaced; the upload is refused."""
    from madoguchi.ingest.settings import AudioSettings
    from madoguchi.testing.ingest.audio_corpus import flac_bomb

    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    # 10 minutes of audio allowed but 1 ms to check it: the probe cannot finish in time.
    audio = AudioSettings(probe_timeout_s=0.001, max_duration_s=600)
    async with running_ingest(ingest_settings(secure_nats, audio=audio)) as ingest, \
            ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
        r = await http.post(f"/v1/sessions/{sid}/utterances?speaker=staff",
                            content=flac_bomb(hours=1.0, declare=False),
                            headers=auth | {"Idempotency-Key": "a"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "probe_timeout"
        assert (await http.get("/healthz")).status_code == 200
    await admin.close()


async def test_a_crashing_probe_worker_is_contained() -> None:
    """A worker that dies (here: cannot even load FFmpeg in its memory limit) is replaced."""
    from madoguchi.ingest.audio_probe import AudioProber
    from madoguchi.testing.ingest.audio_corpus import encode

    prober = AudioProber(AudioLimits(worker_memory_bytes=32 * 1024 * 1024), workers=1)
    try:
        with pytest.raises(AudioRejected) as rejected:
            await prober.probe(encode("wav", 0.5))
        assert rejected.value.code == "probe_failed"
    finally:
        prober.close()


async def test_a_stuck_upload_fails_alone_and_queueing_is_not_probe_time() -> None:
    """One upload hangs its worker; the other tablets' uploads queue on the remaining worker
    for longer than the probe timeout in all, and still every one of them is accepted."""
    from madoguchi.ingest.audio_probe import AudioProber
    from madoguchi.testing.ingest.audio_corpus import encode, paced_probe

    prober = AudioProber(AudioLimits(timeout_s=2.0), workers=2, probe=paced_probe)
    prober.start()
    try:
        stuck = asyncio.create_task(prober.probe(b"STUCK" + encode("wav", 0.5)))
        await asyncio.sleep(0.5)  # it holds one worker now
        others = await asyncio.gather(*(prober.probe(encode("wav", 0.5)) for _ in range(10)),
                                      return_exceptions=True)  # ~3 s of queue on one worker
        assert [type(r).__name__ for r in others] == ["ProbedAudio"] * 10
        with pytest.raises(AudioRejected) as rejected:
            await stuck
        assert rejected.value.code == "probe_timeout"
        assert (await prober.probe(encode("wav", 0.5))).info.format == "wav"  # replaced
    finally:
        prober.close()
