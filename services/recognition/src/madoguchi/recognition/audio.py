"""Decode an utterance's audio bytes to 16 kHz mono float32 (PyAV, as faster-whisper does)."""

from __future__ import annotations

import hashlib
import io

import numpy as np

from madoguchi.recognition.engine import SAMPLE_RATE, Audio


class UndecodableAudioError(Exception):
    """The bytes are not audio we can decode (reason is a code, never the content)."""

    def __init__(self, reason_code: str) -> None:
        super().__init__(reason_code)
        self.reason_code = reason_code


def verify_sha256(data: bytes, expected: str) -> None:
    if hashlib.sha256(data).hexdigest() != expected:
        raise UndecodableAudioError("audio_checksum_mismatch")


def decode(data: bytes) -> Audio:
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
