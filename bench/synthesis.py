"""Speech output: each engine in process, then the service in the pipeline, in one run.

Engines (in this process, one thread each as in a 1-CPU pod share): synthesis time per
sentence, p50/p95, and the real-time factor (synthesis time / audio duration) of
  kokoro-ja   Kokoro-82M int8 on the phrasebook's Japanese phrases,
  piper-en    Piper joe-medium on their English,
  espeak-*    espeak-ng (vi, zh-Hans) on their Vietnamese and Chinese.
Service (ingest, translation on the labelled test-fixture model, synthesis, all real
processes on TLS NATS): typed text accepted -> `translated` -> `synthesized` (audio stored)
on the session's SSE, staff Japanese -> English (Piper) and visitor English -> Japanese
(Kokoro), and a fixed phrase the first time and from the cache. `synthesis_share` is
(audio ready - translated) / (audio ready - accepted): how much of "text sent -> audio ready"
is speech. Records, never asserts.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import summary
from bench.stack import (
    FIXTURE_MODEL,
    BenchProcess,
    Session,
    fixture_sentences,
    ingest_process,
    start_nats,
    tablet_session,
)


def _phrases(language: str, limit: int = 16) -> list[str]:
    from madoguchi.shared.phrases import load_phrasebook

    return [p.texts[language] for p in load_phrasebook().phrases if language in p.texts][:limit]


def engines_in_process(repeats: int = 2) -> dict[str, Any]:
    from madoguchi.shared.models.voices import ESPEAK, KOKORO_JA, PIPER_EN
    from madoguchi.synthesis.engines import load_engine

    voices = {"kokoro-ja": (KOKORO_JA, "ja"), "piper-en": (PIPER_EN, "en"),
              **{f"espeak-{v.language}": (v, v.language) for v in ESPEAK
                 if v.language in ("vi", "zh-Hans")}}
    result: dict[str, Any] = {}
    for name, (voice, language) in voices.items():
        started = time.perf_counter()
        engine = load_engine(voice, threads=1)
        getattr(engine, "warm_up", lambda: None)()
        load_s = time.perf_counter() - started
        times, rtf, audio = [], [], []
        for text in _phrases(language) * repeats:
            began = time.perf_counter()
            speech = engine.synthesize(text)
            elapsed = time.perf_counter() - began
            times.append(elapsed * 1000)
            audio.append(speech.duration_ms)
            rtf.append(elapsed / max(speech.duration_ms / 1000, 1e-3))
        result[name] = {"voice_id": voice.voice_id, "quality": voice.quality,
                        "load_and_warm_up_s": round(load_s, 2), "synthesis_ms": summary(times),
                        "audio_ms": summary(audio), "rtf_p50": statistics.median(rtf),
                        "rtf_p95": sorted(rtf)[int(0.95 * (len(rtf) - 1))]}
    return result


def _japanese(limit: int) -> list[str]:
    return fixture_sentences(0, limit)


def _english(limit: int) -> list[str]:
    return fixture_sentences(1, limit)


async def _send(session: Session, speaker: str, **body: str) -> tuple[str, float]:
    sent = time.perf_counter()
    response = await session.http.post(f"/v1/sessions/{session.session_id}/texts",
                                       headers=session.auth, json={"speaker": speaker, **body})
    response.raise_for_status()
    return str(response.json()["utterance_id"]), sent


async def _measure(session: Session, speaker: str, **body: str) -> dict[str, float]:
    import asyncio

    uid, sent = await _send(session, speaker, **body)
    translated = await asyncio.wait_for(session.wait_for("translated", uid), 120)
    spoken = await asyncio.wait_for(session.wait_for("synthesized", uid), 120)
    payload = session.payloads[("synthesized", uid)]
    if payload.get("status") != "ready":
        raise RuntimeError(f"no speech: {payload.get('reason_code')}")
    return {"translated_ms": (translated - sent) * 1000, "audio_ready_ms": (spoken - sent) * 1000,
            "speech_ms": (spoken - translated) * 1000,
            "share": (spoken - translated) / max(spoken - sent, 1e-9),
            "audio_ms": float(payload["audio"]["duration_ms"])}  # type: ignore[index]


def _report(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {"text_to_translated_ms": summary(r["translated_ms"] for r in runs),
            "text_to_audio_ready_ms": summary(r["audio_ready_ms"] for r in runs),
            "speech_ms": summary(r["speech_ms"] for r in runs),
            "synthesis_share_p50": statistics.median(r["share"] for r in runs),
            "audio_ms": summary(r["audio_ms"] for r in runs)}


async def run(workdir: Path, runs: int = 12) -> dict[str, Any]:
    import asyncio

    result: dict[str, Any] = {"engines": await asyncio.to_thread(engines_in_process)}
    secure = await start_nats(workdir / "nats")
    logs = workdir / "logs-synthesis"
    procs: dict[str, BenchProcess] = {}
    try:
        procs["ingest"] = ingest_process(secure, logs).start()
        procs["translation"] = BenchProcess(
            "translation", secure, logs,
            {"MODEL_DIR": str(FIXTURE_MODEL), "ALLOW_TEST_FIXTURE": "true"}, env="test").start()
        started = time.perf_counter()
        procs["synthesis"] = BenchProcess(
            "synthesis", secure, logs, {"MODELS_DIR": str(workdir / "models"), "THREADS": "1",
                                        "KOKORO_CACHE_DIR": str(workdir / "kokoro")}).start()
        result["service_start_to_ready_s"] = round(time.perf_counter() - started, 2)
        async with tablet_session(secure, procs["ingest"].url, "bench-tts") as session:
            for text in _japanese(2):  # warm-up
                await _measure(session, "staff", text=text)
            service: dict[str, Any] = {}
            service["staff_ja_to_en_piper"] = _report(
                [await _measure(session, "staff", text=t) for t in _japanese(runs + 2)[2:]])
            service["visitor_en_to_ja_kokoro"] = _report(
                [await _measure(session, "visitor", text=t) for t in _english(runs)])
            from madoguchi.shared.phrases import load_phrasebook

            phrases = [p for p in load_phrasebook().phrases if "en" in p.texts][:runs]
            service["phrase_first_time_piper"] = _report(
                [await _measure(session, "staff", phrase_id=p.id) for p in phrases])
            service["phrase_cached_piper"] = _report(
                [await _measure(session, "staff", phrase_id=p.id) for p in phrases])
            result["service"] = service
    finally:
        for process in procs.values():
            process.stop()
    return result
