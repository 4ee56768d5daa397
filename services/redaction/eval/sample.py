"""One evaluation sentence with its planted values, shared by both corpora (and nothing else:
it imports no rule, so the independent corpus stays independent)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    sample_id: str
    language: str
    text: str
    spans: tuple[tuple[str, int, int, str], ...]  # (type, start, end, value)
