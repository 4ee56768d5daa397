"""Presidio-style pattern recognisers whose context words are checked in a character window.

Presidio's own context enhancer matches context words against spaCy tokens/lemmas, which does
not work for Japanese, Chinese or Korean (個人番号 may be one token or two, and unsegmented
Chinese has no spaces). These recognisers look for the context words in the characters around
the match instead, and can *require* context (マイナンバー: about 1 in 11 random 12-digit strings
pass the check digit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex as re  # type: ignore[import-untyped]  # no stubs; used for \p{Han} and lookbehinds
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Case-sensitive on purpose: patterns that accept either case spell it out ([A-Za-z]).
FLAGS = re.DOTALL | re.MULTILINE
CONTEXT_BOOST = 0.45


class ContextPatternRecognizer(PatternRecognizer):
    """A PatternRecognizer with a character-window context check (see module docstring)."""

    def __init__(
        self, entity: str, patterns: Sequence[Pattern], context: Iterable[str], language: str,
        *, name: str, context_required: bool = False, window: tuple[int, int] = (30, 12),
    ) -> None:
        super().__init__(
            supported_entity=entity, name=f"{name}_{language}", supported_language=language,
            patterns=list(patterns), context=[], global_regex_flags=FLAGS,
        )
        self.context_words = tuple(word.lower() for word in context)
        self.context_required = context_required
        self.window = window

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # Our own flags always: the analyzer's default adds IGNORECASE, which would let
        # `[A-Z]{2}` match any two letters.
        results = super().analyze(text, entities, nlp_artifacts, FLAGS)
        kept: list[RecognizerResult] = []
        for result in results:
            if self.has_context(text, result.start, result.end):
                result.score = min(1.0, result.score + CONTEXT_BOOST)
            elif self.context_required:
                continue
            # Mark as enhanced: Presidio's token-based enhancer must not adjust it again.
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            kept.append(result)
        return kept

    def has_context(self, text: str, start: int, end: int) -> bool:
        before, after = self.window
        around = (text[max(0, start - before):start] + " " + text[end:end + after]).lower()
        return any(word in around for word in self.context_words)


def digits(text: str) -> str:
    return "".join(char for char in text if char.isascii() and char.isdigit())
