"""An engine that answers at once: for measuring the pipeline without model time (`make bench`).

It returns a fixed, labelled text in the first allowed language. Selected by
`MADOGUCHI_RECOGNITION_ENGINE=instant`; the service refuses it in prod (`service.load_engines`),
so a misconfigured deployment can never show residents invented transcripts.
"""

from __future__ import annotations

from collections.abc import Sequence

from madoguchi.recognition.engine import Audio, Transcript

INSTANT_TEXT = "benchmark utterance"


class InstantEngine:
    model_id = "instant-benchmark-engine"

    def transcribe(self, audio: Audio, languages: Sequence[str], *,
                   fallback: str | None = None, confident: float = 0.0) -> Transcript:
        language = fallback or (languages[0] if languages else "en")
        return Transcript(status="text", text=INSTANT_TEXT, language=language,
                          language_probability=1.0, confidence=1.0)
