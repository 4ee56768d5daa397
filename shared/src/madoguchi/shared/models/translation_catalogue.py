"""Translation models for the catalogue (`madoguchi models pull <name>`).

Every entry is converted from its hub checkpoint by `CheckpointConversion` — the same code
that converts the committed test-fixture checkpoint in the tests. Pulling needs internet
(the hub), `transformers` and `torch`; it cannot run on this project's offline CI, so the
hub path is untested here and the local-checkpoint path is tested. Hashes are recorded at
first pull (conversion output is not byte-stable across converter versions).
"""

from __future__ import annotations

from madoguchi.shared.models.catalogue import Catalogue, CatalogueEntry
from madoguchi.shared.models.translation_convert import CheckpointConversion
from madoguchi.shared.models.translation_languages import SUPPORTED_LANGUAGES, ModelFamily
from madoguchi.shared.models.translation_manifest import ModelManifest


def _entry(name: str, repo: str, family: ModelFamily, licence: str, description: str, *,
           languages: tuple[str, ...] = SUPPORTED_LANGUAGES, pairs: list[list[str]] | None = None,
           allowed: bool = True) -> CatalogueEntry:
    manifest = ModelManifest(
        model_id=name, family=family, languages=list(languages), licence=licence,
        quantization="int8", source=f"hf:{repo}", pairs=pairs or [],
    )
    return CatalogueEntry(
        name=name, task="translation", licence=licence,
        source=CheckpointConversion(repo, manifest), languages=languages,
        description=description, allowed_by_default=allowed,
    )


TRANSLATION_MODELS: tuple[CatalogueEntry, ...] = (
    _entry("m2m100-418m", "facebook/m2m100_418M", ModelFamily.M2M100, "MIT",
           "M2M-100 418M, 100 languages: the default translation model"),
    _entry("m2m100-1.2b", "facebook/m2m100_1.2B", ModelFamily.M2M100, "MIT",
           "M2M-100 1.2B: better quality, ~3x slower on CPU"),
    _entry("madlad400-3b", "google/madlad400-3b-mt", ModelFamily.MADLAD, "Apache-2.0",
           "MADLAD-400 3B (T5): broad low-resource coverage (ne, my, tl); GPU recommended"),
    _entry("opus-mt-ja-en", "Helsinki-NLP/opus-mt-ja-en", ModelFamily.OPUS_MT, "CC-BY-4.0",
           "OPUS-MT ja->en (one direction: no back-translation; attribution required)",
           languages=("ja", "en"), pairs=[["ja", "en"]]),
    _entry("nllb-200-distilled-600m", "facebook/nllb-200-distilled-600M", ModelFamily.NLLB,
           "CC-BY-NC-4.0",
           "NLLB-200 distilled 600M: NON-COMMERCIAL licence, refused unless explicitly allowed",
           allowed=False),
)


def register(catalogue: Catalogue) -> None:
    for entry in TRANSLATION_MODELS:
        catalogue.register(entry)
