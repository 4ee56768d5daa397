"""The glossary's renderings for the meaning check (the same file translation enforces)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from madoguchi.shared.terminology import GLOSSARY_FILE
from madoguchi.translation.meaning.check import Terms


@cache
def glossary_terms(path: Path = GLOSSARY_FILE) -> Terms:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Terms({t["id"]: dict(t["texts"]) for t in raw["terms"]})
