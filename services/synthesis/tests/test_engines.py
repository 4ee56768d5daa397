"""Each real engine speaks: Kokoro (ja), Piper (en) and espeak-ng (the robotic fallback)."""

from __future__ import annotations

import numpy as np
import pytest

from madoguchi.shared.models.voices import ESPEAK, KOKORO_JA, PIPER_EN, Voice, builtin_available
from madoguchi.synthesis.engines import (
    EspeakEngine,
    Speech,
    SynthesisError,
    load_engine,
)

pytestmark = pytest.mark.slow


def _voiced(speech: Speech) -> float:
    """Share of 20 ms frames louder than a whisper: speech, not silence or a click."""
    frame = speech.sample_rate // 50
    usable = len(speech.samples) // frame * frame
    frames = speech.samples[:usable].astype(np.float32).reshape(-1, frame) / 32768
    return float(np.mean(np.sqrt(np.mean(frames ** 2, axis=1)) > 0.02))


def _espeak(language: str) -> Voice:
    return next(v for v in ESPEAK if v.language == language)


@pytest.mark.parametrize(("voice", "short", "long"), [
    (KOKORO_JA, "はい。", "転入届は二番の窓口で受け付けています。在留カードをお持ちください。"),
    (PIPER_EN, "Yes.", "Please bring your residence card to counter two and take a number."),
    (_espeak("vi"), "Xin chào.", "Xin chào, mời anh chị ngồi đây và chờ một chút."),
    (_espeak("zh-Hans"), "你好。", "请带上您的在留卡，到二号窗口办理转入手续。"),
    (_espeak("pt"), "Sim.", "Por favor, traga o seu cartão de residência ao balcão dois."),
], ids=lambda v: v.voice_id if isinstance(v, Voice) else "")
def test_each_engine_speaks_longer_for_longer_text(voice: Voice, short: str, long: str) -> None:
    assert builtin_available(voice), f"{voice.voice_id} is not installed (make browser/sync)"
    engine = load_engine(voice, threads=1)
    brief, full = engine.synthesize(short), engine.synthesize(long)
    assert brief.sample_rate in (22050, 24000)
    assert 200 < brief.duration_ms < full.duration_ms < 15_000
    assert _voiced(full) > 0.3
    wav = full.wav()
    assert wav[:4] == b"RIFF" and Speech.from_wav(wav).duration_ms == full.duration_ms


def test_espeak_reads_the_text_from_stdin_not_its_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Any local user can read a process's arguments: the text must not be among them."""
    spy = tmp_path / "espeak-ng"
    spy.write_text('#!/bin/sh\necho "$@" > "$0.args"\nexec espeak-ng "$@"\n')
    spy.chmod(0o755)
    engine = EspeakEngine(_espeak("vi"), binary=str(spy))
    speech = engine.synthesize("Nguyễn Văn An, 0312345678")
    assert speech.duration_ms > 1000
    args = (tmp_path / "espeak-ng.args").read_text()
    assert "Nguyễn" not in args and "0312345678" not in args and "--stdin" in args


def test_a_broken_engine_says_so_without_the_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = EspeakEngine(_espeak("es"), binary=str(tmp_path / "missing"))
    with pytest.raises(SynthesisError) as raised:
        engine.synthesize("Me llamo Ana García")
    assert "Ana" not in str(raised.value)
