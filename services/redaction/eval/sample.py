"""One evaluation sentence with its planted values, shared by both corpora (and nothing else:
it imports no rule, so the independent corpus stays independent)."""

from __future__ import annotations

from dataclasses import dataclass

# The nine types every evaluation corpus labels, named here so that no corpus imports a rule.
ENTITY_TYPES = (
    "PERSON",
    "ADDRESS_JP",
    "PHONE_JP",
    "MY_NUMBER",
    "RESIDENCE_CARD",
    "PASSPORT",
    "POSTAL_CODE",
    "EMAIL",
    "DATE_OF_BIRTH",
)


@dataclass(frozen=True)
class Sample:
    sample_id: str
    language: str
    text: str
    spans: tuple[tuple[str, int, int, str], ...]  # (type, start, end, value)
