"""The counter's vocabulary for recognition: what Whisper is prompted with and corrected to.

Three sources, in this order: the glossary's terms in every language it has
(`madoguchi.shared.terminology`), the counter words Whisper misspells (`data/
counter_vocabulary.json`) and the ward's own file (`MADOGUCHI_RECOGNITION_VOCABULARY__FILE`:
place names, office names, its own forms). Every term goes to term correction; the prompt holds
what fits in its token budget (a kanji costs about three tokens, and each token costs decoding
time), the ward's terms first, then the counter words, then the glossary's.

Japanese terms get a kana reading (Sudachi's, unless the entry gives one) for term correction.
The ward's file may also hold `sentences`: Japanese its clerks say (its floors, counters, fees),
which the rescoring model learns beside the shipped ones (rescoring.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from madoguchi.recognition.languages import to_model_code
from madoguchi.recognition.readings import Reader, katakana
from madoguchi.shared.terminology import GLOSSARY_FILE

COUNTER_FILE = Path(__file__).parent / "data" / "counter_vocabulary.json"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # a contract Token: ids travel in events
_READING = re.compile(r"^[ァ-ヺー]+$")
Source = Literal["glossary", "counter", "ward"]
PRIORITY: tuple[Source, ...] = ("ward", "counter", "glossary")
"""Who gets into a prompt too short for every term: the ward's own terms, then the shipped counter
words (those Whisper misspells), then the glossary's, whose misspellings term correction mostly
repairs. `make eval`, dev split, prompt+correction CER: counter words first in 90 tokens 0.040,
the glossary first 0.053, every term (194 tokens, 13 % slower) 0.045."""


class VocabularyError(ValueError):
    """The vocabulary file is unusable: the message names the entry and what is wrong."""


@dataclass(frozen=True)
class Term:
    id: str
    language: str
    """Whisper's language code (ja, en, zh ...)."""
    text: str
    reading: str | None = None
    """Katakana, Japanese terms only."""
    source: Source = "ward"
    prompt: bool = True
    """False: for term correction only (a long, rare term not worth its prompt tokens)."""


SENTENCE_LENGTH = 200


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VocabularyError(f"{path}: cannot be read as JSON ({type(exc).__name__})") from None


def _sentences(path: Path) -> list[str]:
    raw = _read(path)
    sentences = raw.get("sentences", []) if isinstance(raw, dict) else None
    if not isinstance(sentences, list):
        raise VocabularyError(f"{path}: 'sentences' must be a list of Japanese sentences")
    for i, sentence in enumerate(sentences):
        if not isinstance(sentence, str) or not sentence.strip():
            raise VocabularyError(f"{path}: sentence {i} must be a non-empty string")
        if len(sentence) > SENTENCE_LENGTH:
            raise VocabularyError(
                f"{path}: sentence {i} is longer than {SENTENCE_LENGTH} characters")
    return [s.strip() for s in sentences]


def _entries(path: Path) -> list[dict[str, str]]:
    raw = _read(path)
    terms = raw.get("terms") if isinstance(raw, dict) else None
    if not isinstance(terms, list):
        raise VocabularyError(f"{path}: expected an object with a 'terms' list")
    for i, entry in enumerate(terms):
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), str) and entry[k].strip()
                for k in ("id", "language", "text")):
            raise VocabularyError(f"{path}: term {i} needs non-empty id, language and text")
        if not _ID.match(entry["id"]):
            raise VocabularyError(f"{path}: term {i}: id must match {_ID.pattern}")
        if len(entry["text"]) > 40:
            raise VocabularyError(f"{path}: term {entry['id']}: text longer than 40 characters")
        reading = entry.get("reading")
        if reading is not None and not (isinstance(reading, str) and _READING.match(reading)):
            raise VocabularyError(f"{path}: term {entry['id']}: reading must be katakana")
        if not isinstance(entry.get("prompt", True), bool):
            raise VocabularyError(f"{path}: term {entry['id']}: prompt must be true or false")
    return terms


class Vocabulary:
    def __init__(self, terms: Sequence[Term], sentences: Sequence[str] = ()) -> None:
        self.terms = tuple(terms)
        self.sentences = tuple(sentences)
        """The ward's own Japanese sentences, for the rescoring model only."""

    @classmethod
    def load(cls, extra: Path | None = None, reader: Reader | None = None,
             counter: Path = COUNTER_FILE, glossary: Path = GLOSSARY_FILE) -> Vocabulary:
        reader = reader or Reader()
        raw: list[tuple[Source, dict[str, str]]] = []
        for term in json.loads(glossary.read_text(encoding="utf-8"))["terms"]:
            raw.extend(("glossary", {"id": term["id"], "language": tag, "text": text})
                       for tag, text in term["texts"].items())
        raw.extend(("counter", entry) for entry in _entries(counter))
        sentences: list[str] = []
        if extra is not None:
            raw.extend(("ward", entry) for entry in _entries(extra))
            sentences = _sentences(extra)
        terms: dict[tuple[str, str], Term] = {}
        for source, entry in raw:
            code = to_model_code(entry["language"])
            text = entry["text"].strip()
            reading = None
            if code == "ja":
                reading = katakana(entry.get("reading") or reader.reading(text))
            terms.pop((code, text), None)  # a later source wins, and moves to the end
            terms[(code, text)] = Term(entry["id"], code, text, reading, source,
                                       entry.get("prompt", True) is not False)
        return cls(list(terms.values()), sentences)

    def for_language(self, code: str) -> list[Term]:
        return [t for t in self.terms if t.language == code]

    def prompt(self, code: str, fits: Callable[[str], bool] = lambda _: True) -> str | None:
        """The initial prompt for speech in `code`, or None when there is no vocabulary for it:
        the terms as a list (a lead sentence cost tokens and helped nothing on the dev split), a
        term inside a longer one left out (印鑑 in 印鑑登録証明書). Terms are taken in `PRIORITY`
        order (file order within a source) while `fits` accepts the prompt, and written with
        the highest priority last, nearest the speech."""
        terms = [t for t in self.for_language(code) if t.prompt]
        separator = "、" if code in ("ja", "zh") else ", "
        end = "。" if code in ("ja", "zh") else "."

        def written(chosen: list[Term]) -> str:
            ordered = sorted(chosen, key=lambda t: (-PRIORITY.index(t.source), terms.index(t)))
            return separator.join(t.text for t in ordered) + end

        chosen: list[Term] = []
        for term in sorted(terms, key=lambda t: PRIORITY.index(t.source)):
            if any(term.text in c.text for c in chosen):
                continue
            candidate = [c for c in chosen if c.text not in term.text] + [term]
            if fits(written(candidate)):
                chosen = candidate
        return written(chosen) if chosen else None


def check(path: Path, out: Callable[[str], None] = print) -> int:
    """`python -m madoguchi.recognition.vocabulary FILE`: what recognition will make of a
    ward's file (each Japanese term's reading, the Japanese prompt before the token budget
    cuts it: the ward's terms, written last, are taken first), or why it is refused."""
    reader = Reader()
    try:
        ward = Vocabulary.load(path, reader=reader, counter=COUNTER_FILE)
        own = {entry["id"] for entry in _entries(path)}
    except VocabularyError as exc:
        out(f"refused: {exc}")
        return 2
    for term in ward.terms:
        if term.id in own:
            out(f"{term.id}\t{term.language}\t{term.text}\t{term.reading or ''}")
    out(f"prompt (ja), before its token budget: {ward.prompt('ja')}")
    out(f"sentences for the rescoring model: {len(ward.sentences)}")
    return 0


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        print("usage: python -m madoguchi.recognition.vocabulary WARD_VOCABULARY.json")
        raise SystemExit(2)
    raise SystemExit(check(Path(sys.argv[1])))
