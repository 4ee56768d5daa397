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


def my_number_check_digit(first11: str) -> int:
    """The published check digit of a My Number (総務省令第85号 第5条), which every corpus needs
    to plant valid numbers: a public algorithm, not one of the rules under evaluation. P_n is
    the n-th of the first 11 digits from the right, Q_n = n + 1 (n <= 6) or n - 5."""
    total = sum(int(first11[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    return 0 if total % 11 <= 1 else 11 - total % 11


@dataclass(frozen=True)
class Sample:
    sample_id: str
    language: str
    text: str
    spans: tuple[tuple[str, int, int, str], ...]  # (type, start, end, value)
