"""Small pieces without the model: languages, hallucination phrases, locks, decoding, start-up."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from madoguchi.recognition.audio import (
    UndecodableAudioError,
    decode_file,
    duration_ms,
    from_pcm,
    to_pcm,
)
from madoguchi.recognition.hallucinations import is_known_hallucination
from madoguchi.recognition.languages import candidates, to_model_code
from madoguchi.recognition.locks import LanguageLocks
from madoguchi.recognition.service import StartupError, load_engines
from madoguchi.recognition.settings import OptionalModelSettings, RecognitionSettings
from madoguchi.shared.models.store import InstalledModel


def test_language_tags_map_to_model_codes() -> None:
    assert to_model_code("zh-Hans") == "zh" and to_model_code("pt-BR") == "pt"
    assert to_model_code("fil") == "tl" and to_model_code("ja") == "ja"
    assert candidates(["ja", "pt-BR", "xx"], ["ja", "pt", "en"]) == {"ja": "ja", "pt": "pt-BR"}


@pytest.mark.parametrize("text", [
    "ご視聴ありがとうございました。", "Thank you for watching!", "thank you. Thank you.", "  ",
    "ご視聴ありがとうございました ご視聴ありがとうございました",
])
def test_known_hallucinations(text: str) -> None:
    assert is_known_hallucination(text)


@pytest.mark.parametrize("text", ["住民票をください", "Thank you for the form, where do I sign?"])
def test_real_sentences_are_not_hallucinations(text: str) -> None:
    assert not is_known_hallucination(text)


def test_language_lock_needs_confidence_and_is_bounded() -> None:
    locks = LanguageLocks(threshold=0.8, capacity=2)
    locks.offer("s1", "en", 0.5)
    assert locks.get("s1") is None
    locks.offer("s1", "en", 0.95)
    locks.offer("s1", "es", 0.99)  # first confident detection wins
    assert locks.get("s1") == "en"
    locks.offer("s2", "vi", 0.9)
    locks.offer("s3", "tl", 0.9)
    assert locks.get("s1") is None and locks.get("s3") == "tl"


def _wav(samples: np.ndarray, rate: int = 8000, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 20000).astype("<i2").tobytes())
    return buffer.getvalue()


def test_decode_resamples_to_16k_mono() -> None:
    tone = np.sin(np.linspace(0, 2 * np.pi * 440, 8000)).repeat(2)  # 1 s stereo @ 8 kHz
    audio = decode_file(_wav(tone, channels=2))
    assert audio.dtype == np.float32 and abs(duration_ms(audio) - 1000) <= 20


def test_stored_pcm_round_trips_without_a_decoder() -> None:
    tone = (np.sin(np.linspace(0, 2 * np.pi * 440, 16_000)) * 0.5).astype(np.float32)
    back = from_pcm(to_pcm(tone))
    assert back.dtype == np.float32 and duration_ms(back) == 1000
    assert float(np.max(np.abs(back - tone))) < 1e-4


@pytest.mark.parametrize("data", [b"", b"RIFF\x00\x00\x00\x00WAVEjunk", b"\x00" * 4096])
def test_garbage_files_are_undecodable(data: bytes) -> None:
    with pytest.raises(UndecodableAudioError) as info:
        decode_file(data)
    assert info.value.reason_code in {"audio_empty", "audio_undecodable"}


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02"])
def test_stored_audio_that_is_not_whole_samples_is_undecodable(data: bytes) -> None:
    with pytest.raises(UndecodableAudioError, match="audio_undecodable"):
        from_pcm(data)


def test_missing_model_is_a_startup_error_naming_the_command(tmp_path: Path) -> None:
    settings = RecognitionSettings(env="test", models_dir=tmp_path)
    with pytest.raises(StartupError, match="madoguchi models pull whisper-base"):
        load_engines(settings)


@pytest.mark.parametrize("feature", ["alignment", "diarization"])
def test_optional_features_off_by_default_and_clear_when_enabled(
    feature: str, whisper_base: InstalledModel,
) -> None:
    defaults = RecognitionSettings(env="test")
    assert getattr(defaults, feature).enabled is False
    models_dir = whisper_base.path.parent
    no_model = RecognitionSettings(env="test", models_dir=models_dir,
                                   **{feature: OptionalModelSettings(enabled=True)})
    with pytest.raises(StartupError, match=f"{feature} is enabled but no {feature} model"):
        load_engines(no_model)
    absent = RecognitionSettings(env="test", models_dir=models_dir,
                                 **{feature: OptionalModelSettings(enabled=True, model="w2v")})
    with pytest.raises(StartupError, match="models pull w2v"):
        load_engines(absent)
