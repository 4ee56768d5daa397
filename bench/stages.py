"""Stage ratios and real models end to end, all in one run on the same clips and sentences.

Recognition, three levels on the committed clips (tests/clips of the recognition service):
  raw     faster_whisper.WhisperModel.transcribe (language forced, beam 5), in this process;
  engine  the service's WhisperXEngine.transcribe (VAD + batched decode), in this process;
  service upload accepted -> `transcribed` on the session's SSE, through ingest, NATS (TLS),
          the recognition process (object fetch, transcribe, publish; ingest decoded once).
Translation, on fixture-corpus sentences (ja -> en, the test fixture model):
  raw     ctranslate2.Translator.translate_batch, one sentence, SentencePiece in and out;
  engine  CTranslate2Engine.translate_batch; pipeline  TranslationPipeline.translate (forward
          plus back-translation, as the service does); service  text submitted -> `translated`.
End to end: a 4.4 s Japanese clip, upload accepted -> `translated`, real whisper-base + fixture.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import rss_kib, summary
from bench.stack import (
    FIXTURE_MODEL,
    BenchProcess,
    Session,
    fixture_sentences,
    ingest_process,
    start_nats,
    tablet_session,
)

E2E_CLIP = "ja_yoshi.wav"
_keys = itertools.count()


def _clips() -> list[Any]:
    from madoguchi.recognition.testing import clips

    return clips()


def _audio(path: Path) -> Any:
    from madoguchi.recognition.audio import decode_file

    return decode_file(path.read_bytes())


def recognition_in_process(model_path: Path, model_id: str, repeats: int) -> dict[str, Any]:
    import faster_whisper  # type: ignore[import-untyped]

    from madoguchi.recognition.whisperx_engine import EngineOptions, WhisperXEngine

    started = time.perf_counter()
    raw_model = faster_whisper.WhisperModel(str(model_path), device="cpu", compute_type="int8",
                                            cpu_threads=2)
    raw_load_s = time.perf_counter() - started
    started = time.perf_counter()
    engine = WhisperXEngine(model_path, model_id, EngineOptions())
    engine_load_s = time.perf_counter() - started
    per_clip: dict[str, Any] = {}
    for clip in _clips():
        audio = _audio(clip.path)
        duration = len(audio) / 16_000

        def raw(audio: Any = audio, language: str = clip.language) -> str:
            segments, _ = raw_model.transcribe(audio, language=language, beam_size=5)
            return "".join(s.text for s in segments)

        def eng(audio: Any = audio, language: str = clip.language) -> str:
            return engine.transcribe(audio, [language]).text

        raw(), eng()  # warm-up
        raw_s, eng_s = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            raw()
            raw_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            eng()
            eng_s.append(time.perf_counter() - t)
        per_clip[clip.file] = {
            "language": clip.language, "audio_s": round(duration, 3),
            "raw_ms": statistics.median(raw_s) * 1000,
            "engine_ms": statistics.median(eng_s) * 1000,
            "raw_rtf": statistics.median(raw_s) / duration,
            "engine_rtf": statistics.median(eng_s) / duration,
        }
    total_audio = sum(c["audio_s"] for c in per_clip.values())
    return {
        "model_id": model_id, "compute_type": "int8", "cpu_threads": 2, "repeats": repeats,
        "raw_load_s": round(raw_load_s, 3), "engine_load_s": round(engine_load_s, 3),
        "raw_rtf": sum(c["raw_ms"] for c in per_clip.values()) / 1000 / total_audio,
        "engine_rtf": sum(c["engine_ms"] for c in per_clip.values()) / 1000 / total_audio,
        "engine_over_raw": (sum(c["engine_ms"] for c in per_clip.values())
                            / sum(c["raw_ms"] for c in per_clip.values())),
        "clips": per_clip,
    }


def _sentences(limit: int = 40) -> list[str]:
    return fixture_sentences(0, limit)


async def translation_in_process(sentences: list[str]) -> dict[str, Any]:
    import ctranslate2  # type: ignore[import-untyped]
    import sentencepiece

    from madoguchi.shared.models.translation_languages import model_code
    from madoguchi.shared.models.translation_manifest import ModelManifest
    from madoguchi.translation.engine import CTranslate2Engine
    from madoguchi.translation.service import build_pipeline
    from madoguchi.translation.settings import TranslationSettings
    from madoguchi.translation.tokens import TokenLayout

    manifest = ModelManifest.read(FIXTURE_MODEL)
    layout = TokenLayout(manifest.family)
    sp_src = sentencepiece.SentencePieceProcessor(
        model_file=str(FIXTURE_MODEL / manifest.source_spm))
    sp_tgt = sentencepiece.SentencePieceProcessor(
        model_file=str(FIXTURE_MODEL / manifest.target_spm))
    started = time.perf_counter()
    translator = ctranslate2.Translator(str(FIXTURE_MODEL), device="cpu")
    raw_load_s = time.perf_counter() - started
    engine = CTranslate2Engine(FIXTURE_MODEL)
    settings = TranslationSettings.model_validate({
        "env": "test", "model_dir": FIXTURE_MODEL, "allow_test_fixture": True,
        "batch_wait_ms": 0.0})
    pipeline = build_pipeline(settings)

    def raw(text: str, src: str, tgt: str) -> tuple[str, int]:
        s, t = model_code(src, manifest.family), model_code(tgt, manifest.family)
        assert s is not None and t is not None
        source = layout.source(sp_src.encode(text, out_type=str), s, t)
        prefix = layout.target_prefix(t)
        result = translator.translate_batch([source], target_prefix=[prefix] if prefix else None,
                                            beam_size=2, max_decoding_length=512)
        tokens = layout.output_pieces(result[0].hypotheses[0], t)
        return sp_tgt.decode(tokens), len(tokens)

    async def measure() -> dict[str, Any]:
        raw_fwd, raw_rt, eng_fwd, pipe_ms, out_tokens = [], [], [], [], 0
        for text in sentences[:3]:  # warm-up
            raw(text, "ja", "en")
            engine.translate_batch([text], "ja", "en")
            await pipeline.translate(text, "ja", "en")
        for text in sentences:
            t = time.perf_counter()
            english, n = raw(text, "ja", "en")
            raw_fwd.append((time.perf_counter() - t) * 1000)
            raw(english, "en", "ja")
            raw_rt.append((time.perf_counter() - t) * 1000)
            out_tokens += n
            t = time.perf_counter()
            engine.translate_batch([text], "ja", "en")
            eng_fwd.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            await pipeline.translate(text, "ja", "en")
            pipe_ms.append((time.perf_counter() - t) * 1000)
        return {
            "sentences": len(sentences), "raw_load_s": round(raw_load_s, 3),
            "raw_forward_ms": summary(raw_fwd), "raw_round_trip_ms": summary(raw_rt),
            "engine_forward_ms": summary(eng_fwd), "pipeline_ms": summary(pipe_ms),
            "raw_output_tokens_per_s": out_tokens / (sum(raw_fwd) / 1000),
            "engine_output_tokens_per_s": out_tokens / (sum(eng_fwd) / 1000),
            "engine_over_raw": sum(eng_fwd) / sum(raw_fwd),
            "pipeline_over_raw_round_trip": sum(pipe_ms) / sum(raw_rt),
            "note": "the pipeline (and the service) translates forward AND back (the staff "
                    "confirmation), so it is compared with a raw round trip",
        }

    return await measure()


async def _upload(session: Session, path: Path, speaker: str) -> tuple[str, float]:
    audio = await asyncio.to_thread(path.read_bytes)
    response = await session.http.post(
        f"/v1/sessions/{session.session_id}/utterances?speaker={speaker}",
        content=audio, headers=session.auth | {"Idempotency-Key": f"s{next(_keys)}"})
    response.raise_for_status()
    return response.json()["utterance_id"], time.perf_counter()


async def _text(session: Session, text: str) -> tuple[str, float]:
    """Returns the time the request was SENT: a memory hit can reach the SSE reader (same event
    loop) before the 202 is processed, so "from accepted" would read negative."""
    sent = time.perf_counter()
    response = await session.http.post(
        f"/v1/sessions/{session.session_id}/texts", headers=session.auth,
        json={"speaker": "staff", "text": text})
    response.raise_for_status()
    return response.json()["utterance_id"], sent


async def _until(session: Session, kind: str, utterance_id: str) -> float:
    return await asyncio.wait_for(session.wait_for(kind, utterance_id), 120)


async def run(workdir: Path, e2e_runs: int = 20, repeats: int = 3) -> dict[str, Any]:
    from madoguchi.recognition.testing import installed_whisper_base
    from madoguchi.shared.phrases import load_phrasebook

    model = installed_whisper_base()
    result: dict[str, Any] = {}
    result["recognition"] = await asyncio.to_thread(
        recognition_in_process, model.path, model.model_id, repeats)
    sentences = _sentences()
    result["translation"] = await translation_in_process(sentences)

    secure = await start_nats(workdir / "nats")
    logs = workdir / "logs-stages"
    procs: dict[str, BenchProcess] = {}
    try:
        procs["ingest"] = ingest_process(secure, logs).start()
        started = time.perf_counter()
        procs["recognition"] = BenchProcess(
            "recognition", secure, logs, {"MODELS_DIR": str(model.path.parent)}).start()
        result["recognition"]["service_start_to_ready_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        procs["translation"] = BenchProcess(
            "translation", secure, logs,
            {"MODEL_DIR": str(FIXTURE_MODEL), "ALLOW_TEST_FIXTURE": "true"}, env="test").start()
        result["translation"]["service_start_to_ready_s"] = round(
            time.perf_counter() - started, 2)
        idle = {name: rss_kib(p.pid)["rss_kib"] for name, p in procs.items()}
        async with tablet_session(secure, procs["ingest"].url, "bench-s") as session:
            # recognition service path: ja clips as staff (ja), en clip as the visitor (en)
            clips = [c for c in _clips() if c.language in ("ja", "en")]
            for clip in clips:  # warm-up
                uid, _ = await _upload(session, clip.path, "staff" if clip.language == "ja"
                                       else "visitor")
                await _until(session, "transcribed", uid)
            per_clip = result["recognition"]["clips"]
            for clip in clips:
                times = []
                for _ in range(repeats):
                    uid, accepted = await _upload(
                        session, clip.path, "staff" if clip.language == "ja" else "visitor")
                    times.append((await _until(session, "transcribed", uid) - accepted) * 1000)
                entry = per_clip[clip.file]
                entry["service_ms"] = statistics.median(times)
                entry["service_over_raw"] = entry["service_ms"] / entry["raw_ms"]
                entry["service_rtf"] = entry["service_ms"] / 1000 / entry["audio_s"]
            used = [per_clip[c.file] for c in clips]
            result["recognition"]["service_over_raw"] = (
                sum(e["service_ms"] for e in used) / sum(e["raw_ms"] for e in used))
            result["recognition"]["service_over_engine"] = (
                sum(e["service_ms"] for e in used) / sum(e["engine_ms"] for e in used))
            result["recognition"]["service_rtf"] = (
                sum(e["service_ms"] for e in used) / 1000 / sum(e["audio_s"] for e in used))

            # translation service path: typed staff text (ja) -> translated (en) on SSE
            service_ms = []
            for text in sentences[:3]:
                uid, _ = await _text(session, text)
                await _until(session, "translated", uid)
            for text in sentences:
                uid, accepted = await _text(session, text)
                service_ms.append((await _until(session, "translated", uid) - accepted) * 1000)
            tr = result["translation"]
            tr["service_ms"] = summary(service_ms)
            tr["service_ms_measured"] = "text POST sent -> translated on SSE"
            tr["service_over_raw_round_trip"] = (
                sum(service_ms) / (tr["raw_round_trip_ms"]["mean"] * len(service_ms)))
            phrase = next(p for p in load_phrasebook().phrases if "ja" in p.texts
                          and "en" in p.texts)
            hits = []
            for _ in range(20):
                uid, accepted = await _text(session, phrase.texts["ja"])
                hits.append((await _until(session, "translated", uid) - accepted) * 1000)
            tr["memory_hit_service_ms"] = summary(hits)
            tr["memory_hit_model_id"] = str(session.payloads[("translated", uid)].get("model_id"))

            # real models end to end: the 4.4 s Japanese clip, upload -> translated
            clip = next(c for c in _clips() if c.file == E2E_CLIP)
            e2e, transcribed, sampler_peak = [], [], dict.fromkeys(procs, 0)
            deadline = time.perf_counter() + 240
            for _ in range(e2e_runs):
                if time.perf_counter() > deadline:
                    break
                uid, accepted = await _upload(session, clip.path, "staff")
                heard = await _until(session, "transcribed", uid)
                done = await _until(session, "translated", uid)
                transcribed.append((heard - accepted) * 1000)
                e2e.append((done - accepted) * 1000)
                for name, p in procs.items():
                    sampler_peak[name] = max(sampler_peak[name], rss_kib(p.pid)["rss_kib"])
            last = session.payloads.get(("translated", uid), {})
            result["end_to_end"] = {
                "clip": clip.file, "audio_s": per_clip[clip.file]["audio_s"],
                "runs": len(e2e), "runs_requested": e2e_runs,
                "upload_to_translated_ms": summary(e2e),
                "upload_to_transcribed_ms": summary(transcribed),
                "recognition_model": model.model_id,
                "translation_model": str(last.get("model_id")),
                "device": "cpu",
            }
            raw_rt = tr.get("raw_round_trip_ms", {}).get("p50")
            if e2e and raw_rt:
                baseline = per_clip[clip.file]["raw_ms"] + raw_rt
                result["end_to_end"] |= {
                    "raw_baseline_ms": baseline,
                    "p50_over_raw_baseline": summary(e2e)["p50"] / baseline,
                    "raw_baseline_is": "raw faster-whisper on this clip (median) + raw "
                                       "CTranslate2 round trip (p50 over the corpus sentences)",
                }
        result["rss_kib"] = {
            "idle": idle, "under_load_peak": sampler_peak,
            "peak_hwm": {name: rss_kib(p.pid)["peak_kib"] for name, p in procs.items()},
            "note": "real whisper-base (recognition) and the fixture model (translation)",
        }
        return result
    finally:
        for proc in procs.values():
            proc.stop(15)
        secure.server.stop()
