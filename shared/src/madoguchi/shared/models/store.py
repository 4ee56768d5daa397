"""The local models folder: install (verified, atomic), verify, list, import offline bundles.

Layout: `<models_dir>/<name>/` holds the model files and `manifest.json` (name, licence, source,
sha256 of every file, when and how it was installed). An installed folder is itself an offline
bundle: copy or tar it to another machine and run `madoguchi models import` there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from madoguchi.shared.models.catalogue import Catalogue, CatalogueEntry, default_catalogue

MANIFEST = "manifest.json"
DEFAULT_MODELS_DIR = Path(".madoguchi/models")
CHUNK = 1 << 20


class ModelStoreError(RuntimeError):
    """Base for store problems; messages name models and files, never their content."""


class MissingModelError(ModelStoreError):
    def __init__(self, name: str, models_dir: Path) -> None:
        super().__init__(
            f"model {name!r} is not installed in {models_dir}: "
            f"run `madoguchi models pull {name}` (or `madoguchi models import <bundle>`)"
        )
        self.name = name


class IntegrityError(ModelStoreError):
    """A file's sha256 differs from the recorded one (corrupt, tampered, or a changed source)."""


def default_models_dir() -> Path:
    """`MADOGUCHI_MODELS_DIR`, else `<MADOGUCHI_HOME or .madoguchi>/models`."""
    if explicit := os.environ.get("MADOGUCHI_MODELS_DIR"):
        return Path(explicit)
    return Path(os.environ.get("MADOGUCHI_HOME", ".madoguchi")) / "models"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    manifest: dict[str, Any]

    @property
    def files(self) -> dict[str, str]:
        return dict(self.manifest["files"])

    @property
    def model_id(self) -> str:
        """Short, stable id for events: the name and the weights' hash prefix."""
        weights = self.files.get("model.bin") or next(iter(sorted(self.files.values())), "")
        return f"{self.name}@{weights[:12]}"


class ModelStore:
    def __init__(self, models_dir: Path, catalogue: Catalogue | None = None) -> None:
        self.models_dir = models_dir
        self.catalogue = catalogue or default_catalogue()

    def path_for(self, name: str) -> Path:
        return self.models_dir / name

    # --- reading -------------------------------------------------------------------------

    def installed(self) -> list[InstalledModel]:
        if not self.models_dir.is_dir():
            return []
        found = []
        for folder in sorted(self.models_dir.iterdir()):
            if (folder / MANIFEST).is_file():
                found.append(self._read(folder))
        return found

    def require(self, name: str, *, verify: bool = True) -> InstalledModel:
        """The installed model, checked against its manifest (and the catalogue's hashes)."""
        folder = self.path_for(name)
        if not (folder / MANIFEST).is_file():
            raise MissingModelError(name, self.models_dir)
        model = self._read(folder)
        if verify:
            self._verify_files(folder, model.files)
            self._check_catalogue(name, model.files)
        return model

    def _read(self, folder: Path) -> InstalledModel:
        manifest = json.loads((folder / MANIFEST).read_text())
        return InstalledModel(manifest["name"], folder, manifest)

    # --- installing ----------------------------------------------------------------------

    def pull(self, name: str, *, force: bool = False, allow_restricted: bool = False,
             ) -> InstalledModel:
        """Install a catalogue model from its source (idempotent: a verified install is kept)."""
        entry = self.catalogue.get(name)
        if not entry.allowed_by_default and not allow_restricted:
            raise ModelStoreError(
                f"model {name!r} has licence {entry.licence}: refused unless explicitly allowed"
            )
        if not force:
            try:
                return self.require(name)
            except MissingModelError:
                pass
        with self._staging(name) as staging:
            entry.source.fetch(staging)
            files = self._hash_folder(staging)
            self._check_catalogue(name, files, entry=entry)
            manifest = self._manifest(entry, files, how=f"pull from {entry.source.describe()}")
            return self._install(name, staging, manifest)

    def import_bundle(self, bundle: Path, *, force: bool = False,
                      admit: Callable[[dict[str, Any]], None] | None = None) -> InstalledModel:
        """Install from an offline bundle: a model folder with manifest.json, or a tar of one.
        `admit` sees the manifest first and raises `ModelStoreError` to refuse it (a licence)."""
        with tempfile.TemporaryDirectory(dir=self._ensure_dir()) as tmp:
            folder = self._unpack(bundle, Path(tmp)) if bundle.is_file() else bundle
            manifest = json.loads((folder / MANIFEST).read_text())
            if admit is not None:
                admit(manifest)
            name = str(manifest["name"])
            files: dict[str, str] = dict(manifest["files"])
            if Path(name).name != name or name.startswith("."):
                raise ModelStoreError("bundle manifest has an invalid model name")
            self._verify_files(folder, files)
            self._check_catalogue(name, files)
            if self.path_for(name).exists() and not force:
                current = self.require(name)
                if current.files == files:
                    return current
                raise ModelStoreError(f"model {name!r} is installed with other files: use --force")
            with self._staging(name) as staging:
                for file in files:
                    shutil.copy2(folder / file, staging / file)
                manifest = {**manifest, "installed_at": _now(),
                            "installed_by": f"import from {bundle.name}"}
                return self._install(name, staging, manifest)

    def _manifest(self, entry: CatalogueEntry, files: dict[str, str], how: str) -> dict[str, Any]:
        return {
            "name": entry.name, "task": entry.task, "licence": entry.licence,
            "source": entry.source.describe(), "languages": list(entry.languages),
            "files": files, "hashes_recorded_in_catalogue": bool(entry.files),
            "installed_at": _now(), "installed_by": how,
        }

    def _install(self, name: str, staging: Path, manifest: dict[str, Any]) -> InstalledModel:
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        target = self.path_for(name)
        # Rename into place so a service never sees a half-written model.
        old = None
        if target.exists():
            old = target.with_name(f".old-{name}-{os.getpid()}")
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old)
        return self._read(target)

    def _ensure_dir(self) -> Path:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        return self.models_dir

    def _staging(self, name: str) -> _Staging:
        return _Staging(Path(tempfile.mkdtemp(prefix=f".staging-{name}-", dir=self._ensure_dir())))

    # --- checks --------------------------------------------------------------------------

    def _hash_folder(self, folder: Path) -> dict[str, str]:
        return {p.name: sha256_file(p) for p in sorted(folder.iterdir())
                if p.is_file() and p.name != MANIFEST}

    def _verify_files(self, folder: Path, files: dict[str, str]) -> None:
        for file, expected in files.items():
            path = folder / file
            if Path(file).name != file or not path.is_file():
                raise IntegrityError(f"{folder.name}: file {file} is missing")
            if sha256_file(path) != expected:
                raise IntegrityError(f"{folder.name}: sha256 of {file} differs from the manifest")

    def _check_catalogue(self, name: str, files: dict[str, str],
                         entry: CatalogueEntry | None = None) -> None:
        if entry is None:
            if name not in self.catalogue:
                return  # an imported model the catalogue does not know: its manifest rules
            entry = self.catalogue.get(name)
        for file, expected in entry.files.items():
            if files.get(file) != expected:
                raise IntegrityError(
                    f"{name}: sha256 of {file} differs from the catalogue's recorded value"
                )

    def _unpack(self, bundle: Path, into: Path) -> Path:
        with tarfile.open(bundle) as tar:
            tar.extractall(into, filter="data")  # "data": no links out, no absolute paths
        manifests = list(into.rglob(MANIFEST))
        if len(manifests) != 1:
            raise ModelStoreError("a bundle must hold exactly one manifest.json")
        return manifests[0].parent


class _Staging:
    """A staging folder that is removed unless it was renamed into place."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
