"""`models pull` for translation models: the same conversion code, on the local checkpoint.

Hub pulls (M2M-100, MADLAD-400, OPUS-MT) need internet and cannot run here; what they share
with this test is everything after the download: `CheckpointConversion` -> CTranslate2's
TransformersConverter -> SentencePiece files copied -> manifest -> store install -> engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.shared.models.catalogue import Catalogue, CatalogueEntry, default_catalogue
from madoguchi.shared.models.store import ModelStore, ModelStoreError
from madoguchi.shared.models.translation_convert import CheckpointConversion
from madoguchi.shared.models.translation_languages import ModelFamily
from madoguchi.shared.models.translation_manifest import ModelManifest
from madoguchi.translation.engine import CTranslate2Engine
from madoguchi.translation.service import ModelRefusedError, load_engine
from madoguchi.translation.settings import TranslationSettings

CHECKPOINT = Path(__file__).parent / "fixture_checkpoint"
FIXTURE_MODEL = Path(__file__).parent / "fixture_model"


def _fixture_entry() -> CatalogueEntry:
    manifest = ModelManifest(
        model_id="fixture-reconverted", family=ModelFamily.M2M100, languages=["ja", "en"],
        licence="Apache-2.0", quantization="int8", test_fixture=True,
    )
    return CatalogueEntry(name="fixture-reconverted", task="translation", licence="Apache-2.0",
                          source=CheckpointConversion(str(CHECKPOINT), manifest),
                          languages=("ja", "en"))


def test_pull_converts_a_local_checkpoint_into_a_working_model(tmp_path: Path) -> None:
    catalogue = Catalogue()
    catalogue.register(_fixture_entry())
    store = ModelStore(tmp_path / "models", catalogue)
    installed = store.pull("fixture-reconverted")
    assert {"model.bin", "config.json", "shared_vocabulary.json", "sentencepiece.bpe.model",
            "madoguchi-model.json"} <= set(installed.files)
    assert store.require("fixture-reconverted").path == installed.path  # sha256-verified
    engine = CTranslate2Engine(installed.path)
    committed = CTranslate2Engine(FIXTURE_MODEL)
    texts = ["住民票が必要です。", "⟦0⟧を見せてください。"]
    assert engine.translate_batch(texts, "ja", "en") == committed.translate_batch(texts, "ja", "en")


def test_catalogue_lists_production_models_with_licences() -> None:
    catalogue = default_catalogue()
    expected = {"m2m100-418m": "MIT", "m2m100-1.2b": "MIT", "madlad400-3b": "Apache-2.0",
                "opus-mt-ja-en": "CC-BY-4.0", "nllb-200-distilled-600m": "CC-BY-NC-4.0"}
    for name, licence in expected.items():
        entry = catalogue.get(name)
        assert entry.task == "translation" and entry.licence == licence
        assert isinstance(entry.source, CheckpointConversion) and entry.source.needs_network
    assert catalogue.get("nllb-200-distilled-600m").allowed_by_default is False


def test_nllb_is_refused_without_explicit_permission(tmp_path: Path) -> None:
    with pytest.raises(ModelStoreError, match="CC-BY-NC"):
        ModelStore(tmp_path).pull("nllb-200-distilled-600m")


def test_the_test_fixture_is_refused_in_prod() -> None:
    with pytest.raises(ModelRefusedError, match="TEST FIXTURE"):
        load_engine(TranslationSettings(env="prod", model_dir=FIXTURE_MODEL,
                                        allow_test_fixture=True))
    assert load_engine(TranslationSettings(env="test", model_dir=FIXTURE_MODEL,
                                           allow_test_fixture=True)).model_id
