"""The recognition engine interface: the worker depends on this, not on whisperx.

A benchmark or a test can swap in another engine (an instant one, or faster-whisper directly)
without touching the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from madoguchi.recognition.correction import Correction

SAMPLE_RATE = 16_000
Audio = npt.NDArray[np.float32]
"""Mono float32 PCM at SAMPLE_RATE."""


@dataclass(frozen=True)
class Transcript:
    status: Literal["text", "no_speech"]
    text: str = ""
    language: str | None = None
    """The model's language code (Whisper's: ja, en, zh ...)."""
    language_probability: float | None = None
    confidence: float | None = None
    no_speech_reason: Literal["vad", "hallucination", "empty"] | None = None
    corrections: tuple[Correction, ...] | None = None
    """None: term correction is still to be done. Set when the engine already corrected the
    text while choosing among its hypotheses (`text` is then the corrected text)."""


class RecognitionEngine(Protocol):
    model_id: str

    def transcribe(self, audio: Audio, languages: Sequence[str], *,
                   fallback: str | None = None, confident: float = 0.0) -> Transcript:
        """Transcribe one utterance. `languages`: allowed model language codes (one = forced,
        several = detection restricted to them, none = any language). A detected language
        less probable than `confident` (renormalised over `languages`) gives way to
        `fallback`: a visitor's speech is taken as the visitor's language unless the staff's
        is detected surely. Blocking; thread-safe is not required (the worker runs one call
        per engine at a time)."""
        ...
