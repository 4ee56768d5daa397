"""`madoguchi models pull|list|import`: install models into the local models folder.

Services never download: they load what these commands installed, verified by sha256.
"""

from __future__ import annotations

from pathlib import Path

import typer

from madoguchi.shared.models.catalogue import UnknownModelError
from madoguchi.shared.models.sources import SourceUnavailableError
from madoguchi.shared.models.store import ModelStore, ModelStoreError, default_models_dir

models_app = typer.Typer(no_args_is_help=True, help="Install and list offline models")

DIR_HELP = "Models folder. Env: MADOGUCHI_MODELS_DIR (default <MADOGUCHI_HOME>/models)."
HOME = typer.Option(None, help="Local stack folder: its models/ is used. Env: MADOGUCHI_HOME.")


def models_folder(models_dir: Path | None, home: Path | None = None) -> Path:
    """`--models-dir`, else `<--home>/models`, else MADOGUCHI_MODELS_DIR (voices use it too)."""
    return (models_dir or (home / "models" if home else default_models_dir())).resolve()


def _store(models_dir: Path | None, home: Path | None = None) -> ModelStore:
    return ModelStore(models_folder(models_dir, home))


@models_app.command()
def pull(
    name: str = typer.Argument(..., help="Catalogue name, e.g. whisper-base"),
    models_dir: Path | None = typer.Option(None, help=DIR_HELP),
    home: Path | None = HOME,
    force: bool = typer.Option(False, help="Reinstall even if a verified copy is present."),
    allow_restricted_licence: bool = typer.Option(
        False, "--allow-restricted-licence", "--allow-noncommercial",
        help="Allow a model whose licence the ward must accept explicitly (NLLB: CC-BY-NC)."),
) -> None:
    """Install a catalogue model from its source and verify every file's sha256."""
    store = _store(models_dir, home)
    try:
        model = store.pull(name, force=force, allow_restricted=allow_restricted_licence)
    except (UnknownModelError, SourceUnavailableError, ModelStoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{model.model_id} installed in {model.path} ({len(model.files)} files verified)")


@models_app.command("import")
def import_(
    bundle: Path = typer.Argument(..., exists=True, help="Model folder or .tar/.tar.gz of one"),
    models_dir: Path | None = typer.Option(None, help=DIR_HELP),
    home: Path | None = HOME,
    force: bool = typer.Option(False, help="Replace an installed model with other files."),
) -> None:
    """Install an offline bundle (a model folder with manifest.json), verifying every file."""
    store = _store(models_dir, home)
    try:
        model = store.import_bundle(bundle, force=force)
    except (ModelStoreError, KeyError, ValueError, OSError) as exc:
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{model.model_id} imported into {model.path} ({len(model.files)} files verified)")


@models_app.command("list")
def list_(models_dir: Path | None = typer.Option(None, help=DIR_HELP),
          home: Path | None = HOME) -> None:
    """Catalogue models (licence, source, installed or not) and installed extras."""
    store = _store(models_dir, home)
    typer.echo(f"{'MODEL':28} {'TASK':12} {'LICENCE':10} {'INSTALLED':34} SOURCE")
    installed = {m.name: m for m in store.installed()}
    for entry in store.catalogue:
        model = installed.pop(entry.name, None)
        state = model.model_id if model else "not installed"
        typer.echo(f"{entry.name:28} {entry.task:12} {entry.licence:10} {state:34} "
                   f"{entry.source.describe()}")
    for model in installed.values():
        typer.echo(f"{model.name:28} {model.manifest.get('task', '?'):12} "
                   f"{model.manifest.get('licence', '?'):10} {model.model_id:34} (imported)")
