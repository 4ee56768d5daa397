"""`madoguchi-model.json`: what the worker needs to know about a converted model directory.

Written by `convert_checkpoint` (used by `madoguchi models pull` and by the fixture's train.py),
read by the engine at start. Standard library only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from madoguchi.shared.models.translation_languages import ModelFamily

MANIFEST_FILE = "madoguchi-model.json"

SPM_FILES: dict[ModelFamily, tuple[str, str]] = {
    # family -> (source tokenizer, target tokenizer) file names inside the model directory
    ModelFamily.M2M100: ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    ModelFamily.NLLB: ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    ModelFamily.MADLAD: ("spiece.model", "spiece.model"),
    ModelFamily.OPUS_MT: ("source.spm", "target.spm"),
}


@dataclass(frozen=True)
class ModelManifest:
    model_id: str
    family: ModelFamily
    languages: list[str]
    licence: str
    quantization: str
    test_fixture: bool = False
    source: str = ""
    notes: str = ""
    pairs: list[list[str]] = field(default_factory=list)
    """Empty: every pair of `languages`. OPUS-MT models are one direction each."""

    def supports(self, source: str, target: str) -> bool:
        if source == target or source not in self.languages or target not in self.languages:
            return False
        return not self.pairs or [source, target] in self.pairs

    @property
    def source_spm(self) -> str:
        return SPM_FILES[self.family][0]

    @property
    def target_spm(self) -> str:
        return SPM_FILES[self.family][1]

    def write(self, model_dir: Path) -> None:
        data = asdict(self) | {"family": self.family.value}
        (model_dir / MANIFEST_FILE).write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, model_dir: Path) -> ModelManifest:
        data = json.loads((model_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        data["family"] = ModelFamily(data["family"])
        return cls(**data)
