"""Translate one text: memory first, then the model with glossary protection, then back.

No NATS here: the worker maps events to `translate()` and results/refusals to events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from madoguchi.shared.models.translation_languages import normalise_tag
from madoguchi.shared.phrases import Phrase, Phrasebook, ReviewStatus
from madoguchi.translation.batching import BatchingEngine
from madoguchi.translation.engine import UnavailableEngine
from madoguchi.translation.glossary import Glossary, TermHit

# Split after sentence-final punctuation (Japanese/Chinese full stops need no space after).
UNSPACED_LANGUAGES = frozenset({"ja", "zh-Hans", "my"})
_SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*|(?<=[.;])\s+")


class TranslationRefused(Exception):
    """Permanent: this text cannot be translated. `reason_code` is a publishable token."""

    def __init__(self, reason_code: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_code = reason_code
        self.reason = reason


@dataclass(frozen=True)
class Translation:
    source_text: str
    source_language: str
    target_text: str
    target_language: str
    back_translation: str | None
    model_id: str
    glossary_hits: list[TermHit] = field(default_factory=list)
    phrase_id: str | None = None
    phrase_review_status: ReviewStatus | None = None


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class TranslationPipeline:
    def __init__(self, engine: BatchingEngine, phrasebook: Phrasebook, glossary: Glossary, *,
                 max_chars: int = 2000) -> None:
        self.engine = engine
        self.phrasebook = phrasebook
        self.glossary = glossary
        self.max_chars = max_chars

    def languages(self, source: str, target: str | None) -> tuple[str, str]:
        if target is None:
            raise TranslationRefused("no_target_language", "event names no target language")
        src, tgt = normalise_tag(source), normalise_tag(target)
        if src is None or tgt is None:
            raise TranslationRefused("unsupported_language", "language is not offered")
        return src, tgt

    async def translate(self, text: str, source: str, target: str | None) -> Translation:
        src, tgt = self.languages(source, target)
        text = text.strip()
        if not text:
            raise TranslationRefused("empty_text", "nothing to translate")
        if len(text) > self.max_chars:
            raise TranslationRefused("text_too_long", f"text exceeds {self.max_chars} characters")
        phrase = self.phrasebook.lookup(text, src)
        if phrase is not None and tgt in phrase.texts:
            return self.from_phrase(phrase, src, tgt, source_text=text)
        if src == tgt:
            # Nothing to translate (a visitor answering in the staff's language): pass through.
            return Translation(text, src, text, tgt, None, "passthrough")
        if self.engine.model_id == UnavailableEngine.model_id:
            raise TranslationRefused("no_model", "no translation model is installed")
        if not (self.engine.supports(src, tgt) and self.engine.supports(tgt, src)):
            raise TranslationRefused("unsupported_pair", f"no model for {src}->{tgt}")
        target_text, hits = await self._model(text, src, tgt)
        back, _ = await self._model(target_text, tgt, src)
        return Translation(text, src, target_text, tgt, back, self.engine.model_id, hits)

    def from_phrase(self, phrase: Phrase, src: str, tgt: str,
                    source_text: str | None = None) -> Translation:
        """Memory hit: the reviewed (or machine-draft) text; the back-translation is the
        entry's own source text, which is what the tablet shows staff to confirm."""
        if src not in phrase.texts or tgt not in phrase.texts:
            raise TranslationRefused("phrase_language_missing", "phrase lacks this language")
        return Translation(
            source_text or phrase.texts[src], src, phrase.texts[tgt], tgt, phrase.texts[src],
            f"translation-memory-v{self.phrasebook.version}",
            phrase_id=phrase.id, phrase_review_status=phrase.review_status,
        )

    async def _model(self, text: str, src: str, tgt: str) -> tuple[str, list[TermHit]]:
        # Protect per sentence: placeholders restart at ⟦0⟧ in each, as in training data.
        protected = [self.glossary.protect(s, src, tgt) for s in split_sentences(text)]
        translated = await self.engine.translate([p.text for p in protected], src, tgt)
        spaced = tgt not in UNSPACED_LANGUAGES
        outputs: list[str] = []
        hits: dict[str, TermHit] = {}
        for sentence, protection in zip(translated, protected, strict=True):
            restored, sentence_hits = self.glossary.restore(sentence, protection, spaced=spaced)
            outputs.append(restored)
            for hit in sentence_hits:  # a term is enforced only if it was in every sentence
                hits[hit.term_id] = TermHit(hit.term_id, hit.enforced and hits.get(
                    hit.term_id, hit).enforced)
        return ("" if not spaced else " ").join(outputs), list(hits.values())
