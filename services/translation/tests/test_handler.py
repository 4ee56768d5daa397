"""The translation handler as a plain function call: event in, outcome out (fast tier)."""

from __future__ import annotations

import pytest

from madoguchi.shared.contracts import (
    AuditEvent,
    TextSubmitted,
    UtteranceFailed,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.phrases import load_phrasebook
from madoguchi.shared.runtime import NOTHING, Context
from madoguchi.testing.events import origin_for
from madoguchi.translation.batching import BatchingEngine
from madoguchi.translation.engine import TranslationEngine, UnavailableEngine
from madoguchi.translation.glossary import Glossary
from madoguchi.translation.instant_engine import InstantEngine
from madoguchi.translation.pipeline import TranslationPipeline
from madoguchi.translation.worker import TranslationHandler, gave_up

pytestmark = pytest.mark.fast
FIRST = Context("translation", "mg.v1.utterance.transcribed.s1", 1, 5)


def _handler(engine: TranslationEngine) -> TranslationHandler:
    return TranslationHandler(TranslationPipeline(
        BatchingEngine(engine, max_wait=0), load_phrasebook(), Glossary.load()))


def _spoken(text: str, *, speaker: str = "staff", language: str = "ja",
            visitor: str | None = "en", status: str = "text") -> UtteranceTranscribed:
    return UtteranceTranscribed(
        session_id="s1", utterance_id="u1", speaker=speaker, status=status,  # type: ignore[arg-type]
        text=text, language=language, audio_duration_ms=900, model_id="m",
        origin=origin_for("s1", "u1", visitor_language=visitor, counter_id="window-3"))


async def test_the_listeners_language_comes_from_the_origin() -> None:
    spoken = _spoken("転入届をお願いします。")
    outcome = await _handler(InstantEngine()).handle(spoken, FIRST)
    assert outcome.refusal is None
    translated, delivered, audit = outcome.events
    assert isinstance(translated, UtteranceTranslated)
    assert (translated.source_language, translated.target_language) == ("ja", "en")
    assert translated.origin == spoken.origin  # copied unchanged
    assert isinstance(delivered, AuditEvent) and delivered.kind == "utterance"
    assert delivered.attributes["counter_id"] == "window-3"
    assert isinstance(delivered.attributes["latency_ms"], int)
    assert delivered.actor.device_id == "tablet-1" and delivered.actor.staff_id == "staff-1"
    assert isinstance(audit, AuditEvent) and "転入" not in audit.model_dump_json()


async def test_visitor_words_go_to_the_staff_language() -> None:
    outcome = await _handler(InstantEngine()).handle(
        _spoken("I need a certificate.", speaker="visitor", language="en"), FIRST)
    translated = outcome.events[0]
    assert isinstance(translated, UtteranceTranslated)
    assert (translated.source_language, translated.target_language) == ("en", "ja")


async def test_silence_answers_nothing() -> None:
    assert await _handler(InstantEngine()).handle(_spoken("", status="no_speech"), FIRST) \
        == NOTHING


async def test_no_model_is_an_answer_not_a_dead_letter() -> None:
    outcome = await _handler(UnavailableEngine()).handle(_spoken("今日は寒いですね。"), FIRST)
    assert outcome.refusal is not None
    assert outcome.refusal.reason_code == "no_model" and outcome.refusal.dead_letter is False
    failed, audit = outcome.events
    assert isinstance(failed, UtteranceFailed) and failed.speaker.value == "staff"
    assert isinstance(audit, AuditEvent) and audit.outcome == "failure"


async def test_unknown_listener_language_is_refused_and_dead_lettered() -> None:
    outcome = await _handler(InstantEngine()).handle(_spoken("はい", visitor=None), FIRST)
    assert outcome.refusal is not None and outcome.refusal.dead_letter is True
    assert outcome.refusal.reason_code == "no_target_language"


async def test_a_fixed_phrase_needs_no_model() -> None:
    event = TextSubmitted(session_id="s1", utterance_id="u1", speaker="visitor",
                          language="en", phrase_id="zairyu-show",
                          origin=origin_for("s1", "u1"))
    outcome = await _handler(UnavailableEngine()).handle(event, FIRST)
    translated = outcome.events[0]
    assert isinstance(translated, UtteranceTranslated)
    assert translated.phrase_id == "zairyu-show" and translated.target_text


def test_giving_up_tells_the_tablet() -> None:
    [failed] = gave_up(_spoken("x"), FIRST).events
    assert isinstance(failed, UtteranceFailed) and failed.reason_code == "processing_failed"


class ScriptedEngine:
    """Translates by a table: a model that changes a number (the meaning check's case)."""

    model_id = "scripted"

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        return [self.table.get(text, text) for text in texts]


async def test_a_changed_amount_is_a_warning_with_spans_and_only_counted_in_the_audit() -> None:
    engine = ScriptedEngine({"手数料は三百円です。": "The fee is 400 yen.",
                             "The fee is 400 yen.": "手数料は400円です。"})
    outcome = await _handler(engine).handle(_spoken("手数料は三百円です。"), FIRST)
    translated, _delivered, audit = outcome.events
    assert isinstance(translated, UtteranceTranslated) and translated.checks is not None
    assert translated.checks.ok is False
    kinds = {(w.kind, w.against) for w in translated.checks.warnings}
    assert kinds == {("amount", "translation"), ("amount", "back_translation")}
    first = next(w for w in translated.checks.warnings if w.against == "translation")
    assert translated.source_text[first.source_start:first.source_end] == "三百円"
    assert translated.target_text[first.other_start:first.other_end] == "400 yen"
    assert isinstance(audit, AuditEvent)
    assert audit.attributes["meaning_warnings"] == 2
    assert audit.attributes["meaning_warning_kinds"] == "amount"
    assert "300" not in audit.model_dump_json() and "400" not in audit.model_dump_json()


async def test_a_faithful_translation_passes_and_a_passthrough_is_not_checked() -> None:
    engine = ScriptedEngine({"三番窓口へどうぞ。": "Please go to counter 3.",
                             "Please go to counter 3.": "3番窓口へどうぞ。"})
    translated = (await _handler(engine).handle(_spoken("三番窓口へどうぞ。"), FIRST)).events[0]
    assert isinstance(translated, UtteranceTranslated) and translated.checks is not None
    assert translated.checks.ok and translated.checks.chrf is not None
    japanese_answer = _spoken("印鑑を忘れました", speaker="visitor", language="ja")
    passed = (await _handler(engine).handle(japanese_answer, FIRST)).events[0]
    assert isinstance(passed, UtteranceTranslated) and passed.checks is None
