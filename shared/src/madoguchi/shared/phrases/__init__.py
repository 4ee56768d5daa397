"""Translation memory of counter phrases (定型文), shared by translation and ingest.

`load_phrasebook()` reads the versioned `phrasebook.json` next to this file, validates it
(every phrase in every language, known categories, unique ids, no two phrases that normalise
to the same text, `reviewed` only with a named reviewer) and returns a `Phrasebook`.

Ingest lists it for the tablet (`GET /v1/phrases`); translation serves exact and normalised
matches from it before the model. An entry nobody has reviewed is `machine-draft`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

PHRASEBOOK_FILE = Path(__file__).parent / "phrasebook.json"
ReviewStatus = Literal["machine-draft", "reviewed"]
PhraseSpeaker = Literal["staff", "visitor", "either"]
"""Who says it: the tablet's pointing mode lists a visitor only `visitor` and `either` ones."""
PhraseId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


_Index = tuple[
    dict[str, "Phrase"], dict[tuple[str, str], "Phrase"], dict[tuple[str, str], "Phrase"]
]


def normalise(text: str) -> str:
    """The memory's match key: NFKC, case-folded, punctuation, symbols and spaces removed.

    So `住民票をください。`, `住民票を ください` and full-width variants all meet one entry.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Frozen):
    id: PhraseId
    names: dict[str, str]


class Phrase(_Frozen):
    id: PhraseId
    category: PhraseId
    speaker: PhraseSpeaker = "staff"
    review_status: ReviewStatus
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    texts: dict[str, Annotated[str, StringConstraints(min_length=1, max_length=500)]]

    @model_validator(mode="after")
    def _reviewed_needs_reviewer(self) -> Phrase:
        if self.review_status == "reviewed" and not (self.reviewed_by and self.reviewed_at):
            raise ValueError(f"phrase {self.id}: 'reviewed' needs reviewed_by and reviewed_at")
        return self


class Phrasebook(_Frozen):
    version: int = Field(ge=1)
    updated: str
    description: str = ""
    languages: list[str]
    categories: list[Category]
    phrases: list[Phrase]
    _cache: _Index | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Phrasebook:
        categories = {c.id for c in self.categories}
        seen: set[str] = set()
        keys: dict[tuple[str, str], str] = {}
        for phrase in self.phrases:
            if phrase.id in seen:
                raise ValueError(f"duplicate phrase id {phrase.id}")
            seen.add(phrase.id)
            if phrase.category not in categories:
                raise ValueError(f"phrase {phrase.id}: unknown category {phrase.category}")
            missing = set(self.languages) - set(phrase.texts)
            if missing:
                raise ValueError(f"phrase {phrase.id}: missing languages {sorted(missing)}")
            for language, text in phrase.texts.items():
                key = (language, normalise(text))
                if key in keys:
                    raise ValueError(f"phrases {keys[key]} and {phrase.id} collide in {language}")
                keys[key] = phrase.id
        return self

    def by_id(self, phrase_id: str) -> Phrase | None:
        return self._index()[0].get(phrase_id)

    def lookup(self, text: str, language: str) -> Phrase | None:
        """Exact text first, then the normalised key."""
        _, exact, normalised = self._index()
        return exact.get((language, text)) or normalised.get((language, normalise(text)))

    def by_category(self) -> dict[str, list[Phrase]]:
        grouped: dict[str, list[Phrase]] = {c.id: [] for c in self.categories}
        for phrase in self.phrases:
            grouped[phrase.category].append(phrase)
        return grouped

    def _index(self) -> _Index:
        if self._cache is None:
            ids = {p.id: p for p in self.phrases}
            exact = {(lang, text): p for p in self.phrases for lang, text in p.texts.items()}
            normalised = {(lang, normalise(text)): p for p in self.phrases
                          for lang, text in p.texts.items()}
            self._cache = (ids, exact, normalised)
        return self._cache


def load_phrasebook(path: Path | None = None) -> Phrasebook:
    """Read and validate the phrasebook (cached per path; the file ships with the package)."""
    return _load(path or PHRASEBOOK_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> Phrasebook:
    return Phrasebook.model_validate_json(path.read_text(encoding="utf-8"))


__all__ = ["Category", "Phrase", "Phrasebook", "ReviewStatus", "load_phrasebook", "normalise"]
