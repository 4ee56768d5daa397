"""whisperx (batched faster-whisper + its bundled pyannote VAD) behind `RecognitionEngine`.

Loaded once per process from a local model folder; `HF_HUB_OFFLINE=1` is set before whisperx is
imported so nothing can reach a hub. Language detection runs on the encoder output of the first
30 s and is restricted to the session's languages.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from madoguchi.recognition.engine import Audio, Transcript
from madoguchi.recognition.hallucinations import is_known_hallucination, is_prompt_echo
from madoguchi.recognition.languages import to_model_code
from madoguchi.recognition.vocabulary import Vocabulary

os.environ["HF_HUB_OFFLINE"] = "1"  # before whisperx/transformers/pyannote are imported
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# pyannote warns at import that torchcodec (FFmpeg) cannot decode files: we only ever hand it
# in-memory waveforms (decoding is PyAV's job in audio.py), so the warning is noise.
_TORCHCODEC_WARNING = r"\s*torchcodec is not installed"

log = logging.getLogger(__name__)
N_SAMPLES_30S = 16_000 * 30


@dataclass(frozen=True)
class EngineOptions:
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2
    batch_size: int = 8
    beam_size: int = 5
    no_speech_threshold: float = 0.6
    vad_onset: float = 0.25  # see RecognitionSettings.vad_onset
    vad_offset: float = 0.15


def resolve_device(device: str, compute_type: str) -> tuple[str, str]:
    """auto -> CUDA float16 when a GPU is visible to CTranslate2, else CPU int8."""
    import ctranslate2  # type: ignore[import-untyped]

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


class WhisperXEngine:
    def __init__(self, model_dir: Path, model_id: str, options: EngineOptions,
                 vocabulary: Vocabulary | None = None,
                 prompt_languages: Collection[str] = ("ja", "en")) -> None:
        import whisperx  # type: ignore[import-untyped]

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_TORCHCODEC_WARNING, category=UserWarning)
            import pyannote.audio.core.io  # noqa: F401
        logging.getLogger("whisperx").setLevel(logging.WARNING)
        self.model_id = model_id
        self._options = options
        self._pipeline: Any = whisperx.load_model(
            str(model_dir), options.device, compute_type=options.compute_type,
            threads=options.cpu_threads, local_files_only=True, vad_method="pyannote",
            asr_options={"beam_size": options.beam_size,
                         "no_speech_threshold": options.no_speech_threshold},
            vad_options={"vad_onset": options.vad_onset, "vad_offset": options.vad_offset},
        )
        self._whisper: Any = self._pipeline.model  # faster_whisper.WhisperModel
        self.languages: tuple[str, ...] = tuple(self._whisper.supported_languages)
        self._plain_options: Any = self._pipeline.options
        self.prompts: dict[str, str] = {}
        """Initial prompt per language (the counter's vocabulary): Whisper decodes as if the
        prompt had just been said, so its terms win over sound-alikes. Only for that language."""
        wanted = {to_model_code(tag) for tag in prompt_languages}
        for code in sorted({t.language for t in vocabulary.terms} & wanted if vocabulary else ()):
            prompt = vocabulary.prompt(code, self.prompt_fits) if vocabulary else None
            if prompt and code in self.languages:
                self.prompts[code] = prompt

    def prompt_fits(self, prompt: str) -> bool:
        """Whisper keeps at most 223 prompt tokens; a prompt must fit whole (with room)."""
        return len(self._whisper.hf_tokenizer.encode(" " + prompt).ids) <= 200

    def transcribe(self, audio: Audio, languages: Sequence[str], *,
                   fallback: str | None = None, confident: float = 0.0) -> Transcript:
        allowed = [code for code in languages if code in self.languages]
        encoded = None
        if len(allowed) == 1:
            language, probability = allowed[0], 1.0
        else:
            encoded = self._encode_first_30s(audio)
            language, probability, pool = self._detect(encoded, allowed)
            if fallback in pool and language != fallback and probability < confident:
                language, probability = fallback, pool[fallback]
        prompt = self.prompts.get(language)
        # Per call: the pipeline holds one options object, and the prompt is per language.
        self._pipeline.options = replace(self._plain_options, initial_prompt=prompt)
        result = self._pipeline.transcribe(
            audio, batch_size=self._options.batch_size, language=language, task="transcribe")
        segments = result["segments"]
        if not segments:
            return Transcript(status="no_speech", no_speech_reason="vad")
        text = "".join(seg["text"] for seg in segments).strip()
        if not text:
            return Transcript(status="no_speech", no_speech_reason="empty")
        if is_known_hallucination(text) or (prompt is not None and is_prompt_echo(text, prompt)):
            encoded = encoded if encoded is not None else self._encode_first_30s(audio)
            if self._no_speech_probability(encoded, language) >= self._options.no_speech_threshold:
                return Transcript(status="no_speech", no_speech_reason="hallucination")
        logprob = float(np.mean([seg["avg_logprob"] for seg in segments]))
        return Transcript(
            status="text", text=text, language=language,
            language_probability=round(probability, 4),
            confidence=round(min(1.0, max(0.0, math.exp(logprob))), 4),
        )

    # --- internals (faster-whisper / CTranslate2 APIs) -----------------------------------

    def _encode_first_30s(self, audio: Audio) -> Any:
        from whisperx.audio import log_mel_spectrogram  # type: ignore[import-untyped]

        n_mels = self._whisper.feat_kwargs.get("feature_size") or 80
        pad = max(0, N_SAMPLES_30S - audio.shape[0])
        mel = log_mel_spectrogram(audio[:N_SAMPLES_30S], n_mels=n_mels, padding=pad)
        return self._whisper.encode(mel)

    def _detect(self, encoded: Any, allowed: Sequence[str]) -> tuple[str, float, dict[str, float]]:
        """Most likely language among `allowed` (any when empty), with the probabilities
        renormalised over the allowed set (the question asked is "which of these two?")."""
        detected = self._whisper.model.detect_language(encoded)[0]
        scores = {token[2:-2]: prob for token, prob in detected}
        pool = {code: scores.get(code, 0.0) for code in allowed} if allowed else scores
        total = sum(pool.values())
        pool = {code: (p / total if total > 0 else 0.0) for code, p in pool.items()}
        language = max(pool, key=lambda code: pool[code])
        return language, pool[language], pool

    def _no_speech_probability(self, encoded: Any, language: str) -> float:
        from faster_whisper.tokenizer import Tokenizer  # type: ignore[import-untyped]

        tokenizer = Tokenizer(self._whisper.hf_tokenizer, True, task="transcribe",
                              language=language)
        result = self._whisper.model.generate(
            encoded, [list(tokenizer.sot_sequence)], max_length=1, return_no_speech_prob=True)
        return float(result[0].no_speech_prob)
