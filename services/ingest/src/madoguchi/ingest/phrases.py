"""Fixed counter phrases (定型文) for the tablet: the shared, reviewed phrasebook
(`madoguchi.shared.phrases`, the same memory translation serves from), projected to what a
tablet needs — ids, categories, texts per language and review status (not reviewer names)."""

from __future__ import annotations

from pathlib import Path

from madoguchi.ingest.api import PhraseCategoryView, PhrasesResponse, PhraseView
from madoguchi.shared.phrases import Phrasebook, load_phrasebook


def load_phrases(path: Path | None) -> Phrasebook:
    return load_phrasebook(path)


def phrases_view(book: Phrasebook) -> PhrasesResponse:
    return PhrasesResponse(
        version=book.version, languages=list(book.languages),
        categories=[PhraseCategoryView(id=c.id, names=dict(c.names)) for c in book.categories],
        phrases=[PhraseView(phrase_id=p.id, category=p.category, speaker=p.speaker,
                            review_status=p.review_status, texts=dict(p.texts))
                 for p in book.phrases],
    )
