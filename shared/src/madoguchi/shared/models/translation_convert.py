"""Convert a Hugging Face translation checkpoint into a CTranslate2 model folder.

One code path for `madoguchi models pull <translation model>` (a hub id: needs internet) and
for the committed test fixture (a local checkpoint: tested offline). Conversion needs
`transformers` + `torch` (and the hub for remote ids); the worker itself needs only
ctranslate2 + sentencepiece. Standard library at import time (train.py imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from madoguchi.shared.models.sources import SourceUnavailableError
from madoguchi.shared.models.translation_manifest import SPM_FILES, ModelManifest


def convert_checkpoint(
    checkpoint: str | Path, output_dir: Path, manifest: ModelManifest, *, force: bool = False,
) -> ModelManifest:
    """Convert, copy the SentencePiece files the worker needs, write `madoguchi-model.json`."""
    try:
        import ctranslate2.converters  # type: ignore[import-untyped]
    except ModuleNotFoundError:
        raise SourceUnavailableError("ctranslate2 is not installed") from None
    copy_files = sorted(set(SPM_FILES[manifest.family]))
    converter = ctranslate2.converters.TransformersConverter(
        str(checkpoint), copy_files=copy_files, low_cpu_mem_usage=True,
    )
    converter.convert(str(output_dir), quantization=manifest.quantization, force=force)
    manifest.write(output_dir)
    return manifest


@dataclass(frozen=True)
class CheckpointConversion:
    """A catalogue `ModelSource`: a hub id (online) or a local checkpoint folder, converted."""

    checkpoint: str
    manifest: ModelManifest
    revision: str = "main"

    @property
    def needs_network(self) -> bool:
        return not Path(self.checkpoint).is_dir()

    def describe(self) -> str:
        where = "local checkpoint" if not self.needs_network else "hub"
        return f"{where} {self.checkpoint}@{self.revision} converted to CTranslate2 " \
               f"({self.manifest.quantization})"

    def fetch(self, staging: Path) -> None:
        try:
            import transformers  # noqa: F401  (the converter needs it; fail with a clear reason)
        except ModuleNotFoundError:
            raise SourceUnavailableError(
                "converting needs transformers + torch: install madoguchi-translation[convert]"
            ) from None
        try:
            convert_checkpoint(self.checkpoint, staging, self.manifest, force=True)
        except SourceUnavailableError:
            raise
        except Exception as exc:  # offline, repo gone, unsupported architecture ...
            raise SourceUnavailableError(
                f"could not convert {self.checkpoint} ({type(exc).__name__}); a hub model needs "
                "internet: pull on a connected machine and move it with `madoguchi models import`"
            ) from None
