"""How each model family wants its language tokens around the SentencePiece pieces.

This is the exact layout the worker sends to CTranslate2 and the fixture model was trained
with (train.py imports it). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from madoguchi.shared.models.translation_languages import ModelFamily

EOS = "</s>"


@dataclass(frozen=True)
class TokenLayout:
    family: ModelFamily

    def source(self, pieces: list[str], source_code: str, target_code: str) -> list[str]:
        match self.family:
            case ModelFamily.M2M100:
                return [f"__{source_code}__", *pieces, EOS]
            case ModelFamily.NLLB:
                # transformers' current (non-legacy) NLLB layout: language token first.
                return [source_code, *pieces, EOS]
            case ModelFamily.MADLAD:
                # MADLAD-400 (T5) names only the target, as a `<2xx>` token before the text.
                return [f"<2{target_code}>", *pieces, EOS]
            case ModelFamily.OPUS_MT:
                return [*pieces, EOS]

    def target_prefix(self, target_code: str) -> list[str] | None:
        match self.family:
            case ModelFamily.M2M100:
                return [f"__{target_code}__"]
            case ModelFamily.NLLB:
                return [target_code]
            case ModelFamily.MADLAD | ModelFamily.OPUS_MT:
                return None

    def output_pieces(self, tokens: list[str], target_code: str) -> list[str]:
        """Drop the language token the decoder was forced to start with."""
        prefix = self.target_prefix(target_code) or []
        if prefix and tokens[: len(prefix)] == prefix:
            tokens = tokens[len(prefix):]
        return [t for t in tokens if t != EOS]
