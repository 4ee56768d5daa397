"""The redaction handler as a plain function call (fast tier: a stand-in detector)."""

from __future__ import annotations

import re

import pytest

from madoguchi.redaction.detector import Redaction
from madoguchi.redaction.worker import MASK, RedactionHandler
from madoguchi.shared.contracts import (
    AuditEvent,
    RedactedContent,
    TextSubmitted,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.runtime import NOTHING, Context
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.fast
FIRST = Context("redaction", "mg.v1.utterance.transcribed.s1", 1, 5)
ORIGIN = origin_for("s1", "u1")


class DigitsDetector:
    """Masks digit runs: enough to see which fields were sent through it."""

    version = "digits-test"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def redact(self, text: str, language: str | None) -> Redaction:
        from madoguchi.redaction.detector import Finding

        self.seen.append(text)
        found = [Finding("NUMBER", m.start(), m.end(), 1.0) for m in re.finditer(r"\d+", text)]
        return Redaction(re.sub(r"\d+", "<NUMBER>", text), tuple(found))


class Broken:
    version = "broken"

    def redact(self, text: str, language: str | None) -> Redaction:
        raise RuntimeError(f"crashed on {text}")


def _translated() -> UtteranceTranslated:
    return UtteranceTranslated(
        session_id="s1", utterance_id="u1", speaker="staff", origin=ORIGIN,
        source_text="電話は0312345678です", source_language="ja",
        target_text="The phone is 0312345678", target_language="en",
        back_translation="電話は0312345678です", model_id="m")


async def test_a_translation_is_redacted_without_its_already_redacted_source() -> None:
    detector = DigitsDetector()
    outcome = await RedactionHandler(detector).handle(_translated(), FIRST)
    [content] = outcome.events
    assert isinstance(content, RedactedContent) and content.source_event == "translated"
    assert set(content.fields) == {"target_text", "back_translation"}
    assert content.entities == {"NUMBER": 2}
    assert len(detector.seen) == 2


async def test_typed_text_is_redacted_phrase_ids_are_not_text() -> None:
    typed = TextSubmitted(session_id="s1", utterance_id="u1", speaker="visitor",
                          language="ja", text="番号は123です", origin=ORIGIN)
    [content] = (await RedactionHandler(DigitsDetector()).handle(typed, FIRST)).events
    assert isinstance(content, RedactedContent) and content.source_event == "submitted"
    assert content.fields == {"text": "番号は<NUMBER>です"}
    phrase = TextSubmitted(session_id="s1", utterance_id="u1", speaker="visitor",
                           language="ja", phrase_id="greet-wait", origin=ORIGIN)
    assert await RedactionHandler(DigitsDetector()).handle(phrase, FIRST) == NOTHING


async def test_silence_has_nothing_to_redact() -> None:
    quiet = UtteranceTranscribed(session_id="s1", utterance_id="u1", speaker="visitor",
                                 status="no_speech", audio_duration_ms=100, model_id="m",
                                 origin=ORIGIN)
    assert await RedactionHandler(DigitsDetector()).handle(quiet, FIRST) == NOTHING


async def test_a_detector_failure_masks_every_field_and_says_so() -> None:
    outcome = await RedactionHandler(Broken()).handle(_translated(), FIRST)
    failure, content = outcome.events
    assert isinstance(failure, AuditEvent) and failure.attributes["error"] == "RuntimeError"
    assert isinstance(content, RedactedContent) and content.fully_masked
    assert set(content.fields.values()) == {MASK}
    assert "0312345678" not in failure.model_dump_json() + content.model_dump_json()
