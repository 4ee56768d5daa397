"""Terminology the translation must respect (転入届 → "moving-in notification", ...).

Enforcement is placeholder protection + verification: before the model runs, every glossary
term found in the source is replaced by a placeholder (`⟦0⟧`, `⟦1⟧` ...) that the model copies
through; afterwards each placeholder is replaced by the term's approved target text. A term
counts as enforced only if its approved target text is in the final output; otherwise the
translated event reports it as not enforced, so the tablet can warn staff.

Standard library only: the fixture model's training script imports this module to build its
placeholder training data, so training and serving use the same placeholder format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from madoguchi.shared.terminology import GLOSSARY_FILE

MAX_PLACEHOLDERS = 8
_PLACEHOLDER_RE = re.compile(r"⟦(\d)⟧")


def placeholder(index: int) -> str:
    return f"⟦{index}⟧"


@dataclass(frozen=True)
class Term:
    id: str
    review_status: str
    texts: dict[str, str]


@dataclass(frozen=True)
class Slot:
    term_id: str
    marker: str
    target_text: str


@dataclass(frozen=True)
class Protected:
    """Source text with terms replaced by placeholders, plus what each placeholder stands for."""

    text: str
    slots: list[Slot] = field(default_factory=list)
    unenforceable: list[str] = field(default_factory=list)
    """Term ids found in the source that have no approved text in the target language."""


@dataclass(frozen=True)
class TermHit:
    term_id: str
    enforced: bool


class Glossary:
    def __init__(self, version: int, terms: list[Term]) -> None:
        self.version = version
        self.terms = terms

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> Glossary:
        raw = json.loads(path.read_text(encoding="utf-8"))
        terms = [Term(t["id"], t["review_status"], dict(t["texts"])) for t in raw["terms"]]
        return cls(int(raw["version"]), terms)

    def protect(self, text: str, source: str, target: str) -> Protected:
        spans: list[tuple[int, int, Term]] = []
        # Longest source text first, so 印鑑登録証明書 wins over 印鑑登録 where they overlap.
        for term in sorted((t for t in self.terms if source in t.texts),
                           key=lambda t: len(t.texts[source]), reverse=True):
            pattern = re.compile(re.escape(term.texts[source]), re.IGNORECASE)
            for match in pattern.finditer(text):
                if all(match.end() <= s or match.start() >= e for s, e, _ in spans):
                    spans.append((match.start(), match.end(), term))
        # Placeholders numbered in reading order (⟦0⟧ first), as the model saw in training.
        slots: dict[str, Slot] = {}
        unenforceable: list[str] = []
        out, position = [], 0
        for start, end, term in sorted(spans, key=lambda span: span[0]):
            if target not in term.texts or (term.id not in slots
                                             and len(slots) >= MAX_PLACEHOLDERS):
                if term.id not in unenforceable:
                    unenforceable.append(term.id)
                continue
            if term.id not in slots:
                slots[term.id] = Slot(term.id, placeholder(len(slots)), term.texts[target])
            out += [text[position:start], slots[term.id].marker]
            position = end
        out.append(text[position:])
        return Protected("".join(out), list(slots.values()), unenforceable)

    def restore(self, translated: str, protected: Protected, *, spaced: bool = True,
                ) -> tuple[str, list[TermHit]]:
        """`spaced`: the target writes spaces between words, so a marker glued to a word by
        the model (`The⟦0⟧`) gets one back."""
        hits: list[TermHit] = []
        if spaced:
            translated = re.sub(r"(?<=\w)(⟦\d⟧)", r" \1", translated)
            translated = re.sub(r"(⟦\d⟧)(?=\w)", r"\1 ", translated)
        for slot in protected.slots:
            translated = translated.replace(slot.marker, slot.target_text)
        # A placeholder the model invented (or mangled) must not reach the tablet.
        translated = re.sub(r"\s{2,}", " ", _PLACEHOLDER_RE.sub("", translated)).strip()
        for slot in protected.slots:
            enforced = slot.target_text.casefold() in translated.casefold()
            hits.append(TermHit(slot.term_id, enforced))
        hits.extend(TermHit(term_id, False) for term_id in protected.unenforceable)
        return translated, hits
