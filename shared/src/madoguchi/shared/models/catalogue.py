"""What models Madoguchi knows: name, licence, where it comes from, recorded sha256, languages.

Each model family registers its entries from its own module (listed in `ENTRY_MODULES`), so
recognition and translation can extend the same catalogue without editing each other's code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

ENTRY_MODULES: tuple[str, ...] = (
    "madoguchi.shared.models.whisper",
    "madoguchi.shared.models.translation_catalogue",
)
"""Modules that define `register(catalogue)`; add yours here (one line)."""


class ModelSource(Protocol):
    """Writes a model's files into an empty staging folder (the store verifies and installs)."""

    @property
    def needs_network(self) -> bool: ...

    def describe(self) -> str: ...

    def fetch(self, staging: Path) -> None: ...


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    task: Literal["recognition", "translation"]
    licence: str
    source: ModelSource
    languages: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    """File name -> recorded sha256. Empty: recorded at first pull (trust on first use)."""
    description: str = ""
    allowed_by_default: bool = True
    """False for licences the ward must accept explicitly (e.g. CC-BY-NC)."""


class UnknownModelError(KeyError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown model {self.name!r}; known: {', '.join(self.known)}"


class Catalogue:
    def __init__(self) -> None:
        self._entries: dict[str, CatalogueEntry] = {}

    def register(self, entry: CatalogueEntry) -> None:
        if entry.name in self._entries:
            raise ValueError(f"model {entry.name!r} is registered twice")
        self._entries[entry.name] = entry

    def get(self, name: str) -> CatalogueEntry:
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownModelError(name, sorted(self._entries)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.task, e.name)))


_DEFAULT: Catalogue | None = None


def default_catalogue() -> Catalogue:
    """The catalogue with every family's entries registered (built once)."""
    global _DEFAULT
    if _DEFAULT is None:
        catalogue = Catalogue()
        for module in ENTRY_MODULES:
            importlib.import_module(module).register(catalogue)
        _DEFAULT = catalogue
    return _DEFAULT
