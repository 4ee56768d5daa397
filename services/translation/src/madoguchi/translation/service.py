"""Wiring: settings -> model -> pipeline -> worker, registered on the service runtime."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from madoguchi.shared.capabilities import TranslationCapability, report_forever
from madoguchi.shared.models.store import ModelStore, ModelStoreError, default_models_dir
from madoguchi.shared.models.translation_manifest import ModelManifest
from madoguchi.shared.phrases import load_phrasebook
from madoguchi.shared.runtime import ServiceRuntime, Stage
from madoguchi.shared.telemetry import stage_instruments
from madoguchi.translation.batching import BatchingEngine
from madoguchi.translation.engine import CTranslate2Engine, TranslationEngine, UnavailableEngine
from madoguchi.translation.glossary import Glossary
from madoguchi.translation.pipeline import TranslationPipeline
from madoguchi.translation.settings import TranslationSettings
from madoguchi.translation.worker import Incoming, TranslationHandler, gave_up

log = logging.getLogger(__name__)


class ModelRefusedError(RuntimeError):
    pass


def resolve_model_dir(settings: TranslationSettings) -> Path:
    if settings.model_dir is not None:
        return settings.model_dir
    store = ModelStore((settings.models_dir or default_models_dir()).resolve())
    return store.require(settings.model).path


def load_engine(settings: TranslationSettings) -> CTranslate2Engine:
    model_dir = resolve_model_dir(settings)
    manifest = ModelManifest.read(model_dir)
    if manifest.test_fixture and not (settings.allow_test_fixture and settings.env != "prod"):
        raise ModelRefusedError(
            f"{manifest.model_id} is a TEST FIXTURE, not a translator: refused (allow it only "
            "outside prod with MADOGUCHI_TRANSLATION_ALLOW_TEST_FIXTURE=true)")
    return CTranslate2Engine(
        model_dir, device=settings.device, compute_type=settings.compute_type,
        inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
        beam_size=settings.beam_size, max_input_tokens=settings.max_input_tokens,
    )


def build_pipeline(settings: TranslationSettings) -> TranslationPipeline:
    try:
        model: TranslationEngine = (
            _instant_engine(settings) if settings.engine == "instant" else load_engine(settings))
    except (ModelStoreError, FileNotFoundError) as exc:
        # No model installed (a fresh install cannot download one): serve the translation
        # memory only; everything else fails with reason `no_model` until an operator runs
        # `madoguchi models pull`. Refusing a test fixture in prod is NOT degraded: it stops.
        log.warning("no translation model: serving the translation memory only",
                    extra={"error": type(exc).__name__})
        model = UnavailableEngine()
    engine = BatchingEngine(model, max_wait=settings.batch_wait_ms / 1000)
    return TranslationPipeline(engine, load_phrasebook(), Glossary.load(),
                               max_chars=settings.max_chars)


def _instant_engine(settings: TranslationSettings) -> TranslationEngine:
    """Benchmark only: an echo is never shown to residents as a translation in prod."""
    if settings.env == "prod":
        raise ModelRefusedError("engine=instant is a benchmark engine: refused in prod")
    from madoguchi.translation.instant_engine import InstantEngine

    return InstantEngine()


def setup(settings: TranslationSettings) -> Callable[[ServiceRuntime], None]:
    def _setup(runtime: ServiceRuntime) -> None:
        started = time.monotonic()
        pipeline = build_pipeline(settings)  # model loaded once, before consuming starts
        stage_instruments().model_load.record(time.monotonic() - started, {
            "service": "translation", "model_id": pipeline.engine.model_id})
        log.info("translation model loaded", extra={"model_id": pipeline.engine.model_id})
        model_id = pipeline.engine.model_id
        capability = TranslationCapability.of(
            None if model_id == UnavailableEngine.model_id else model_id)
        runtime.add_readiness_detail("translation_model", capability.describe)

        async def report() -> None:
            await report_forever(lambda: runtime.js, capability)

        runtime.background(report)
        handler = TranslationHandler(pipeline)
        # Many at once: the batching engine coalesces them into one model call per pair.
        runtime.consume(Stage(Incoming, handler.handle, concurrency=settings.concurrency,
                              exhausted=gave_up, drop_after_close=True))
    return _setup


__all__ = ["ModelStoreError", "build_pipeline", "load_engine", "setup"]
