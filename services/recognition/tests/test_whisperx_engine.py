"""The real whisperx pipeline with the real Whisper base model, offline (HF_HUB_OFFLINE=1).

Bounds were measured on the committed clips (base, CPU int8, beam 5): Japanese per-clip CER
0.0-0.20 (mean 0.09), Spanish 0.10, English 0.0. The bounds leave a margin, not a free pass.
"""

from __future__ import annotations

import os
import statistics

import numpy as np
import pytest

from madoguchi.recognition.audio import decode_file
from madoguchi.recognition.engine import RecognitionEngine
from madoguchi.recognition.testing import Clip, character_error_rate, clips
from madoguchi.recognition.whisperx_engine import WhisperXEngine

pytestmark = pytest.mark.slow

KEY_WORDS = {
    "ja_tennyu.wav": ["出したい"],
    "ja_juminhyo.wav": ["住民", "お願いします"],
    # 持ちですか: at the VAD thresholds chosen on the eval (0.25 / 0.15) whisper base drops the
    # honorific お of this clip (CER 0.06); the eval's clips lost no sentence end instead
    "ja_mynumber.wav": ["マイナンバーカード", "持ちですか"],
    "ja_yoshi.wav": ["用紙", "名前", "住所", "書いてください"],
    "en_address.wav": ["good morning", "register", "address"],
    "es_direccion.wav": ["buenos días", "por favor"],
}
MAX_CLIP_CER = 0.3
MAX_MEAN_CER_JA = 0.15


def _audio(clip: Clip) -> np.ndarray:
    return decode_file(clip.path.read_bytes())


def test_runs_offline() -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # set by the engine module before imports


@pytest.mark.parametrize("clip", clips(), ids=lambda c: c.file)
def test_forced_language_transcribes_key_words(engine: RecognitionEngine, clip: Clip) -> None:
    result = engine.transcribe(_audio(clip), [clip.language])
    assert result.status == "text"
    assert result.language == clip.language and result.language_probability == 1.0
    text = result.text.casefold()
    missing = [w for w in KEY_WORDS[clip.file] if w not in text]
    assert not missing, f"{clip.file}: missing {missing}"
    assert character_error_rate(clip.text, result.text) <= MAX_CLIP_CER
    assert result.confidence is not None and 0.3 < result.confidence <= 1.0


def test_japanese_mean_cer_within_measured_bound(engine: RecognitionEngine) -> None:
    rates = [character_error_rate(c.text, engine.transcribe(_audio(c), ["ja"]).text)
             for c in clips() if c.language == "ja"]
    assert statistics.mean(rates) <= MAX_MEAN_CER_JA, rates


@pytest.mark.parametrize(
    ("file", "allowed", "expected"),
    [("ja_mynumber.wav", ["ja", "en"], "ja"), ("en_address.wav", ["ja", "en"], "en"),
     ("es_direccion.wav", ["ja", "es"], "es"), ("es_direccion.wav", ["en", "es"], "es")],
)
def test_detection_is_restricted_to_session_languages(
    engine: RecognitionEngine, file: str, allowed: list[str], expected: str,
) -> None:
    clip = next(c for c in clips() if c.file == file)
    result = engine.transcribe(_audio(clip), allowed)
    assert result.language == expected
    assert result.language_probability is not None
    assert result.language_probability > 0.9


def test_detection_never_leaves_the_allowed_set(engine: RecognitionEngine) -> None:
    english = _audio(next(c for c in clips() if c.file == "en_address.wav"))
    result = engine.transcribe(english, ["ja", "es"])
    assert result.language in {"ja", "es"}


def test_silence_is_no_speech(engine: RecognitionEngine) -> None:
    result = engine.transcribe(np.zeros(16_000 * 3, dtype=np.float32), ["ja", "en"])
    assert result.status == "no_speech" and result.text == ""


def test_noise_is_no_speech(engine: RecognitionEngine) -> None:
    noise = np.random.default_rng(7).normal(0, 0.1, 16_000 * 3).astype(np.float32)
    result = engine.transcribe(noise, ["ja"])
    assert result.status == "no_speech" and result.text == ""


def test_no_speech_probability_separates_silence_from_speech(engine: RecognitionEngine) -> None:
    """The gate used when the text is a known hallucination phrase."""
    assert isinstance(engine, WhisperXEngine)
    speech = _audio(next(c for c in clips() if c.file == "ja_yoshi.wav"))
    silence = np.zeros(16_000 * 3, dtype=np.float32)
    p_silence = engine._no_speech_probability(engine._encode([silence])[0], "ja")
    p_speech = engine._no_speech_probability(engine._encode([speech])[0], "ja")
    assert p_silence >= 0.6 > p_speech
