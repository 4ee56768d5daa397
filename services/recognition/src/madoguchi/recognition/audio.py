"""Audio for the recognition engine: 16 kHz mono float32 samples.

The service reads what ingest stored: the upload already decoded once, in ingest's limited
worker, into `pcm_s16le_16k_mono` (headerless 16-bit PCM). So the handler never parses a
container and never runs FFmpeg over untrusted bytes. `decode_file` (PyAV, as faster-whisper
does) is for local, trusted files only: test clips, benchmarks.
"""

from __future__ import annotations

import io

import numpy as np

from madoguchi.recognition.engine import SAMPLE_RATE, Audio

STORED_ENCODING = "pcm_s16le_16k_mono"


class UndecodableAudioError(Exception):
    """The bytes are not audio we can decode (reason is a code, never the content)."""

    def __init__(self, reason_code: str) -> None:
        super().__init__(reason_code)
        self.reason_code = reason_code


def from_pcm(data: bytes) -> Audio:
    """Stored samples -> the engine's float32 array."""
    if not data or len(data) % 2:
        raise UndecodableAudioError("audio_undecodable")
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def to_pcm(audio: Audio) -> bytes:
    """The engine's array -> what ingest stores (tests and benchmarks play ingest's part)."""
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def decode_file(data: bytes) -> Audio:
    """A trusted local audio file (a test clip) decoded with PyAV, as faster-whisper does."""
    from faster_whisper.audio import decode_audio  # type: ignore[import-untyped]

    if not data:
        raise UndecodableAudioError("audio_empty")
    try:
        samples = decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
    except Exception:  # PyAV raises many types for hostile input; the type is what we log
        raise UndecodableAudioError("audio_undecodable") from None
    if samples.size == 0:
        raise UndecodableAudioError("audio_undecodable")
    return np.asarray(samples, dtype=np.float32)


def duration_ms(audio: Audio) -> int:
    return round(int(audio.shape[0]) * 1000 / SAMPLE_RATE)
