from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from madoguchi.shared.models.store import DEFAULT_MODELS_DIR
from madoguchi.shared.settings import ServiceSettings, settings_config


class OptionalModelSettings(BaseModel):
    """Alignment / diarization: need hub models, so off unless an operator installed one."""

    enabled: bool = False
    model: str | None = Field(default=None, description="Installed model name in models_dir.")


class VocabularySettings(BaseModel):
    """The counter's vocabulary (docs/models.md "The counter's vocabulary")."""

    file: Path | None = Field(
        default=None, description="The ward's own terms (JSON, see counter_vocabulary.json), "
                                  "added to the glossary and the shipped counter words.")
    biasing: bool = Field(default=True, description="Prompt Whisper with the vocabulary.")
    prompt_languages: list[str] = Field(
        default=["ja", "en"], max_length=20,
        description="Languages whose speech gets the prompt: those where `make eval` showed it "
                    "helps (a Spanish prompt made Whisper base ramble on the eval clips).")
    correction: bool = Field(
        default=True, description="Replace Japanese spans that sound like a term by the term.")
    prompt_tokens: int = Field(
        default=24, ge=8, le=200,
        description="The prompt's length in Whisper tokens (a kanji costs about three). Each "
                    "token costs decoding time: on two CPU cores, with rescoring and "
                    "correction, the service used 10.7 % more CPU than plain decoding with 64 "
                    "tokens and 6.0 % with 24, and 24 tokens gave the dev split's staff CER "
                    "of 64 (0.028 and 0.029; rescoring now does what the longer prompt did). "
                    "A ward's terms come first: raise it with them. On a GPU raise it to 200.")
    rescoring: bool = Field(
        default=True, description="Choose among Whisper's beam hypotheses for Japanese with a "
                                  "character model of the phrasebook, the counter "
                                  "sentences (shipped and the ward's) and the terms.")


class RecognitionSettings(ServiceSettings):
    """Environment: `MADOGUCHI_RECOGNITION_NATS__URL`, `MADOGUCHI_RECOGNITION_MODEL`, ..."""

    model_config = settings_config("recognition")

    models_dir: Path = DEFAULT_MODELS_DIR
    model: str = Field(default="whisper-base", description="Installed Whisper model to load.")
    engine: Literal["whisperx", "instant"] = Field(
        default="whisperx", description="instant: benchmark-only engine, refused in prod.")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = Field(
        default="auto", description="auto: int8 on CPU, float16 on CUDA; or any CTranslate2 type.")
    cpu_threads: int = Field(default=2, ge=1, le=64)
    batch_size: int = Field(default=8, ge=1, le=64, description="VAD chunks decoded together.")
    concurrency: int = Field(
        default=1, ge=1, le=8, description="Model instances (utterances transcribed at once).")
    prefetch: int = Field(
        default=2, ge=0, le=16,
        description="Utterances in hand beyond the engines (fetched, waiting for an engine).")
    beam_size: int = Field(default=5, ge=1, le=10)
    no_speech_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # pyannote's speech thresholds. whisperx's defaults (0.5 / 0.363) cut the end off a
    # sentence spoken softly after a pause (「戸籍謄本は本籍、」 for a 4 s sentence: half of it
    # never decoded); 0.25 / 0.15 keep it, and silence and noise still give no segment at all
    # (`make eval`: 100 % no_speech). Chosen on the eval's dev split.
    vad_onset: float = Field(default=0.25, gt=0.0, lt=1.0)
    vad_offset: float = Field(default=0.15, gt=0.0, lt=1.0)
    language_lock_probability: float = Field(
        default=0.8, ge=0.0, le=1.0,
        description="A visitor's language is locked for the session once detected this surely.")
    staff_override_probability: float = Field(
        default=0.8, ge=0.5, le=1.0,
        description="A visitor's utterance is taken as the staff's language (a visitor "
                    "answering in Japanese) only when detected this surely among the two.")
    vocabulary: VocabularySettings = VocabularySettings()
    alignment: OptionalModelSettings = OptionalModelSettings()
    diarization: OptionalModelSettings = OptionalModelSettings()
