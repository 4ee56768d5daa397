"""Wiring: settings -> verified model -> engines (loaded once) -> the stage on the runtime."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from madoguchi.recognition.correction import TermCorrector
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.recognition.readings import shared_reader
from madoguchi.recognition.rescoring import CharacterModel, Rescorer, counter_texts
from madoguchi.recognition.settings import OptionalModelSettings, RecognitionSettings
from madoguchi.recognition.vocabulary import Vocabulary, VocabularyError
from madoguchi.recognition.worker import EnginePool, RecognitionHandler, gave_up
from madoguchi.shared.contracts import UtteranceReceived
from madoguchi.shared.models.store import ModelStore, ModelStoreError
from madoguchi.shared.objects import AudioObjects
from madoguchi.shared.runtime import ServiceRuntime, Stage, StartupError
from madoguchi.shared.streams import AUDIO_BUCKET
from madoguchi.shared.telemetry import stage_instruments

log = logging.getLogger(__name__)


def _check_optional(feature: str, option: OptionalModelSettings, store: ModelStore) -> None:
    if not option.enabled:
        return
    if not option.model:
        raise StartupError(
            f"{feature} is enabled but no {feature} model is set: set "
            f"MADOGUCHI_RECOGNITION_{feature.upper()}__MODEL to an installed model "
            "(it needs a hub model: pull it on a connected machine, then "
            "`madoguchi models import`)"
        )
    try:
        store.require(option.model)
    except ModelStoreError as exc:
        raise StartupError(f"{feature} is enabled but its model is not usable: {exc}") from None
    raise StartupError(f"{feature} is not supported by this version yet: disable it")


def load_vocabulary(settings: RecognitionSettings) -> Vocabulary | None:
    """The glossary, the counter words and the ward's file; None when both uses are off."""
    option = settings.vocabulary
    if not (option.biasing or option.correction):
        return None
    try:
        return Vocabulary.load(option.file, reader=shared_reader())
    except VocabularyError as exc:
        raise StartupError(f"vocabulary file unusable: {exc}") from None


def load_corrector(settings: RecognitionSettings,
                   vocabulary: Vocabulary | None) -> TermCorrector | None:
    if vocabulary is None or not settings.vocabulary.correction or settings.engine == "instant":
        return None
    return TermCorrector(vocabulary.for_language("ja"), shared_reader())


def load_rescorers(settings: RecognitionSettings, vocabulary: Vocabulary | None,
                   corrector: TermCorrector | None) -> dict[str, Rescorer]:
    """Japanese only: the phrasebook, the counter sentences and the terms are Japanese."""
    if vocabulary is None or not settings.vocabulary.rescoring:
        return {}
    model = CharacterModel(counter_texts((t.text for t in vocabulary.for_language("ja")),
                                         vocabulary.sentences))
    return {"ja": Rescorer(model, corrector)}


def load_engines(settings: RecognitionSettings, vocabulary: Vocabulary | None = None,
                 corrector: TermCorrector | None = None) -> EnginePool:
    """Verify the installed model (sha256) and load it `concurrency` times. Raises StartupError."""
    if settings.engine == "instant":  # benchmark only: never invented transcripts in prod
        if settings.env == "prod":
            raise StartupError("engine=instant is a benchmark engine: refused in prod")
        from madoguchi.recognition.instant_engine import InstantEngine

        return EnginePool([InstantEngine()])
    from madoguchi.recognition.whisperx_engine import EngineOptions, WhisperXEngine, resolve_device

    store = ModelStore(settings.models_dir.resolve())
    _check_optional("alignment", settings.alignment, store)
    _check_optional("diarization", settings.diarization, store)
    try:
        model = store.require(settings.model)
    except ModelStoreError as exc:
        raise StartupError(str(exc)) from None
    if model.manifest.get("task") not in (None, "recognition"):
        raise StartupError(f"model {settings.model!r} is not a recognition model")
    device, compute_type = resolve_device(settings.device, settings.compute_type)
    options = EngineOptions(
        device=device, compute_type=compute_type, cpu_threads=settings.cpu_threads,
        batch_size=settings.batch_size, beam_size=settings.beam_size,
        no_speech_threshold=settings.no_speech_threshold, vad_onset=settings.vad_onset,
        vad_offset=settings.vad_offset, prompt_tokens=settings.vocabulary.prompt_tokens,
    )
    started = time.monotonic()
    biasing = vocabulary if settings.vocabulary.biasing else None
    rescorers = load_rescorers(settings, vocabulary, corrector)
    engines = [WhisperXEngine(model.path, model.model_id, options, biasing,
                              settings.vocabulary.prompt_languages, rescorers)
               for _ in range(settings.concurrency)]
    elapsed = time.monotonic() - started
    stage_instruments().model_load.record(elapsed, {"service": "recognition",
                                                    "model_id": model.model_id})
    log.info("model loaded", extra={"model_id": model.model_id, "count": len(engines),
                                    "duration_ms": int(elapsed * 1000)})
    return EnginePool(engines)


def attach(runtime: ServiceRuntime, engines: EnginePool, settings: RecognitionSettings,
           corrector: TermCorrector | None = None) -> None:
    """Register the stage; the audio source is bound once the runtime has connected."""
    locks = LanguageLocks(settings.language_lock_probability)
    handler = RecognitionHandler(engines, bucket=AUDIO_BUCKET, locks=locks, corrector=corrector,
                                 staff_override_probability=settings.staff_override_probability)
    runtime.closed_sessions.on_close(locks.forget)  # nothing of a closed session stays

    async def bind_audio() -> None:
        handler.audio = AudioObjects(runtime.js, AUDIO_BUCKET)

    runtime.on_start(bind_audio)
    # More in hand than engines: the next utterance's audio is fetched while an engine works,
    # and results are published while the engine already runs the next one.
    runtime.consume(Stage(UtteranceReceived, handler.handle,
                          concurrency=engines.size + settings.prefetch, exhausted=gave_up,
                          drop_after_close=True))


def setup(settings: RecognitionSettings) -> Callable[[ServiceRuntime], None]:
    def _setup(runtime: ServiceRuntime) -> None:
        # Before connecting: a missing or corrupt model is a start-up error, not a consumer
        # that takes messages it cannot process.
        vocabulary = load_vocabulary(settings) if settings.engine != "instant" else None
        corrector = load_corrector(settings, vocabulary)
        attach(runtime, load_engines(settings, vocabulary, corrector), settings, corrector)
    return _setup
