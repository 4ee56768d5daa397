"""An engine that answers at once: for measuring the pipeline without model time (`make bench`).

It "translates" by returning its input, for every pair. Selected by
`MADOGUCHI_TRANSLATION_ENGINE=instant`; refused in prod (`service.load_engine`), so a
misconfigured deployment can never show residents an untranslated text as a translation.
"""

from __future__ import annotations


class InstantEngine:
    model_id = "instant-benchmark-engine"

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        return list(texts)
