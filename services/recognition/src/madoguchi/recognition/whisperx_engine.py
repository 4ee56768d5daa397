"""whisperx (batched faster-whisper + its bundled pyannote VAD) behind `RecognitionEngine`.

Loaded once per process from a local model folder; `HF_HUB_OFFLINE=1` is set before whisperx is
imported so nothing can reach a hub.

One encoder pass per speech chunk, shared by language detection, decoding and the no-speech
gate. whisperx's own `transcribe` cannot take an encoder output (`generate_segment_batched`
ignores its `encoder_output` argument and encodes again), and the encoder is about two thirds
of an utterance's time on CPU: detecting the visitor's language before it (a second pass over
the first 30 s) made every visitor utterance some 60 % slower. So this module runs whisperx's
steps itself: its VAD and chunk merging, then faster-whisper's prompt and CTranslate2's
`generate` with whisperx's options, as `generate_segment_batched` does.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from madoguchi.recognition.correction import Corrected
from madoguchi.recognition.engine import Audio, Transcript
from madoguchi.recognition.hallucinations import is_known_hallucination, is_prompt_echo
from madoguchi.recognition.languages import to_model_code
from madoguchi.recognition.rescoring import Rescorer
from madoguchi.recognition.vocabulary import Vocabulary

os.environ["HF_HUB_OFFLINE"] = "1"  # before whisperx/transformers/pyannote are imported
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# pyannote warns at import that torchcodec (FFmpeg) cannot decode files: we only ever hand it
# in-memory waveforms (decoding is PyAV's job in audio.py), so the warning is noise.
_TORCHCODEC_WARNING = r"\s*torchcodec is not installed"

log = logging.getLogger(__name__)
SAMPLE_RATE = 16_000
N_SAMPLES_30S = SAMPLE_RATE * 30


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
    prompt_tokens: int = 24  # see VocabularySettings.prompt_tokens


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
                 prompt_languages: Collection[str] = ("ja", "en"),
                 rescorers: dict[str, Rescorer] | None = None) -> None:
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
        self._asr_options: Any = self._pipeline.options  # faster_whisper TranscriptionOptions
        self._tokenizers: dict[str, Any] = {}
        self.rescorers: dict[str, Rescorer] = dict(rescorers or {})
        """Per language: chooses among the beam's hypotheses (rescoring.py); without one,
        Whisper's first hypothesis is taken."""
        self.prompts: dict[str, str] = {}
        """Initial prompt per language (the counter's vocabulary): Whisper decodes as if the
        prompt had just been said, so its terms win over sound-alikes. Only for that language."""
        wanted = {to_model_code(tag) for tag in prompt_languages}
        for code in sorted({t.language for t in vocabulary.terms} & wanted if vocabulary else ()):
            prompt = vocabulary.prompt(code, self.prompt_fits) if vocabulary else None
            if prompt and code in self.languages:
                self.prompts[code] = prompt

    def prompt_fits(self, prompt: str) -> bool:
        """Within the budget, and whole within Whisper's 223 prompt tokens (with room)."""
        tokens = len(self._whisper.hf_tokenizer.encode(" " + prompt).ids)
        return tokens <= min(self._options.prompt_tokens, 200)

    def transcribe(self, audio: Audio, languages: Sequence[str], *,
                   fallback: str | None = None, confident: float = 0.0) -> Transcript:
        allowed = [code for code in languages if code in self.languages]
        chunks = self._speech_chunks(audio)
        if not chunks:
            return Transcript(status="no_speech", no_speech_reason="vad")
        size = self._options.batch_size
        batches = [self._encode(chunks[i:i + size]) for i in range(0, len(chunks), size)]
        first = batches[0][0]  # the encoder output that holds the first chunk
        if len(allowed) == 1:
            language, probability = allowed[0], 1.0
        else:
            language, probability, pool = self._detect(first, allowed)
            if fallback in pool and language != fallback and probability < confident:
                language, probability = fallback, pool[fallback]
        prompt = self.prompts.get(language)
        decoded = [piece for encoded, count in batches
                   for piece in self._generate(encoded, count, language, prompt)]
        text = "".join(piece for piece, _, _ in decoded).strip()
        if not text:
            return Transcript(status="no_speech", no_speech_reason="empty")
        suspect = is_known_hallucination(text) or (
            prompt is not None and is_prompt_echo(text, prompt))
        if suspect and (self._no_speech_probability(first, language)
                        >= self._options.no_speech_threshold):
            return Transcript(status="no_speech", no_speech_reason="hallucination")
        logprob = float(np.mean([logprob for _, logprob, _ in decoded]))
        corrected = decoded[0][2] if len(decoded) == 1 else None  # offsets fit one chunk only
        return Transcript(
            status="text", text=corrected.text if corrected else text, language=language,
            language_probability=round(probability, 4),
            confidence=round(min(1.0, max(0.0, math.exp(logprob))), 4),
            corrections=corrected.corrections if corrected else None,
        )

    # --- internals (whisperx / faster-whisper / CTranslate2 APIs) ------------------------

    def _speech_chunks(self, audio: Audio) -> list[Audio]:
        """whisperx's VAD and merging: speech regions joined into chunks of at most 30 s."""
        vad = self._pipeline.vad_model
        regions = vad({"waveform": vad.preprocess_audio(audio), "sample_rate": SAMPLE_RATE})
        merged = vad.merge_chunks(regions, 30, onset=self._options.vad_onset,
                                  offset=self._options.vad_offset)
        return [audio[int(seg["start"] * SAMPLE_RATE):int(seg["end"] * SAMPLE_RATE)]
                for seg in merged]

    def _encode(self, chunks: Sequence[Audio]) -> tuple[Any, int]:
        """One encoder pass over up to `batch_size` chunks, each padded to 30 s as Whisper
        was trained; returns the encoder output and how many chunks it holds."""
        import torch
        from whisperx.audio import log_mel_spectrogram  # type: ignore[import-untyped]

        n_mels = self._whisper.feat_kwargs.get("feature_size") or 80
        features = torch.stack([
            log_mel_spectrogram(chunk[:N_SAMPLES_30S], n_mels=n_mels,
                                padding=max(0, N_SAMPLES_30S - chunk.shape[0]))
            for chunk in chunks])
        return self._whisper.encode(features.numpy()), len(chunks)

    def _tokenizer(self, language: str) -> Any:
        from faster_whisper.tokenizer import Tokenizer  # type: ignore[import-untyped]

        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(
                self._whisper.hf_tokenizer, self._whisper.model.is_multilingual,
                task="transcribe", language=language)
        return self._tokenizers[language]

    def _generate(self, encoded: Any, count: int, language: str,
                  prompt: str | None) -> list[tuple[str, float, Corrected | None]]:
        """Decode each chunk of one encoder output: whisperx's `generate_segment_batched`
        after its encoder call (same options, prompt and average log-probability). With a
        rescorer for the language, the beam's hypotheses all come back and it picks one
        (with its corrected text when it compared several)."""
        tokenizer = self._tokenizer(language)
        options = self._asr_options
        previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
        tokens = self._whisper.get_prompt(
            tokenizer, previous, without_timestamps=options.without_timestamps,
            prefix=options.prefix, hotwords=options.hotwords)
        rescorer = self.rescorers.get(language)
        results = self._whisper.model.generate(
            encoded, [tokens] * count, beam_size=options.beam_size,
            num_hypotheses=options.beam_size if rescorer else 1, patience=options.patience,
            length_penalty=options.length_penalty, max_length=self._whisper.max_length,
            suppress_blank=options.suppress_blank, suppress_tokens=options.suppress_tokens,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty, return_scores=True)
        decoded = []
        for result in results:
            hypotheses = []
            for ids, score in zip(result.sequences_ids, result.scores, strict=True):
                logprob = score * (len(ids) ** options.length_penalty) / (len(ids) + 1)
                text = tokenizer.tokenizer.decode([t for t in ids if t < tokenizer.eot])
                hypotheses.append((text, float(logprob)))
            chosen, corrected = rescorer.choose(hypotheses) if rescorer else (0, None)
            decoded.append((*hypotheses[chosen], corrected))
        return decoded

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
        """Whisper's no-speech probability for the first chunk of an encoder output."""
        sot = list(self._tokenizer(language).sot_sequence)
        result = self._whisper.model.generate(
            encoded, [sot] * encoded.shape[0], max_length=1, return_no_speech_prob=True)
        return float(result[0].no_speech_prob)
