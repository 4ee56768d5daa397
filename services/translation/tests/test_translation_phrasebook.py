"""The shipped translation memory validates, and its match rules hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from madoguchi.shared.phrases import PHRASEBOOK_FILE, Phrasebook, load_phrasebook, normalise

pytestmark = pytest.mark.fast

LANGUAGES = {"ja", "en", "zh-Hans", "ko", "vi", "ne", "my", "tl", "pt", "es"}


def test_shipped_phrasebook_validates() -> None:
    book = load_phrasebook()
    assert book.version >= 1
    assert len(book.phrases) >= 100
    assert set(book.languages) == LANGUAGES
    assert {"moving", "juminhyo", "inkan", "mynumber", "zairyu", "kokuho", "fees",
            "documents", "directions"} <= {c.id for c in book.categories}
    for phrase in book.phrases:
        assert set(phrase.texts) >= LANGUAGES
        # Nobody has reviewed the shipped set: it must say so.
        assert phrase.review_status == "machine-draft" or phrase.reviewed_by


def test_exact_and_normalised_lookup() -> None:
    book = load_phrasebook()
    assert book.lookup("住民票をお渡しします。", "ja").id == "jumin-here-you-are"  # type: ignore[union-attr]
    # No final stop, a space, full-width letters: the same entry.
    assert book.lookup("住民票を お渡しします", "ja").id == "jumin-here-you-are"  # type: ignore[union-attr]
    assert book.lookup("ＨＥＬＬＯ", "en").id == "greet-hello"  # type: ignore[union-attr]
    assert book.lookup("住民票をお渡ししません", "ja") is None
    assert book.lookup("Hello.", "ja") is None  # the language matters


def test_normalise() -> None:
    assert normalise("Ｐｌｅａｓｅ, wait!") == normalise("please wait") == "pleasewait"


def _raw() -> dict:  # type: ignore[type-arg]
    return json.loads(PHRASEBOOK_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _validate(raw: dict, tmp_path: Path) -> Phrasebook:  # type: ignore[type-arg]
    return Phrasebook.model_validate_json(json.dumps(raw))


@pytest.mark.parametrize("breakage", ["reviewed_without_reviewer", "missing_language",
                                      "unknown_category", "duplicate_id", "colliding_text",
                                      "unknown_status", "no_version"])
def test_invalid_phrasebooks_are_rejected(breakage: str, tmp_path: Path) -> None:
    raw = _raw()
    first = raw["phrases"][0]
    match breakage:
        case "reviewed_without_reviewer":
            first["review_status"] = "reviewed"
        case "missing_language":
            del first["texts"]["my"]
        case "unknown_category":
            first["category"] = "nowhere"
        case "duplicate_id":
            raw["phrases"][1]["id"] = first["id"]
        case "colliding_text":
            raw["phrases"][1]["texts"]["en"] = first["texts"]["en"].upper()
        case "unknown_status":
            first["review_status"] = "approved-ish"
        case "no_version":
            del raw["version"]
    with pytest.raises(ValidationError):
        _validate(raw, tmp_path)


def test_reviewed_with_reviewer_is_accepted(tmp_path: Path) -> None:
    raw = _raw()
    raw["phrases"][0] |= {"review_status": "reviewed", "reviewed_by": "ward-i18n-team",
                          "reviewed_at": "2026-11-26"}
    assert _validate(raw, tmp_path).phrases[0].review_status == "reviewed"
