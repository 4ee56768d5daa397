"""Translation engines behind one protocol, and the CTranslate2 one used in production.

The worker only knows `TranslationEngine`: the benchmark (and any later engine) can swap in
another implementation. `CTranslate2Engine` loads its model once; `translate_batch` is
blocking (CTranslate2 releases the GIL) and called from a worker thread by `BatchingEngine`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from madoguchi.shared.models.translation_languages import model_code
from madoguchi.shared.models.translation_manifest import ModelManifest
from madoguchi.translation.tokens import TokenLayout


class EngineError(Exception):
    """A request the engine refuses; `reason_code` is a token safe to publish."""

    def __init__(self, reason_code: str, reason: str) -> None:
        super().__init__(reason)
        self.reason_code = reason_code
        self.reason = reason


class TranslationEngine(Protocol):
    @property
    def model_id(self) -> str: ...

    def supports(self, source: str, target: str) -> bool:
        """`source`/`target` are Madoguchi's BCP-47 tags (see translation_languages)."""
        ...

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]: ...


class CTranslate2Engine:
    def __init__(
        self, model_dir: Path, *, device: str = "cpu", compute_type: str = "default",
        inter_threads: int = 1, intra_threads: int = 0, beam_size: int = 2,
        max_input_tokens: int = 256, max_batch_size: int = 32,
    ) -> None:
        import ctranslate2  # type: ignore[import-untyped]
        import sentencepiece

        self.manifest = ModelManifest.read(model_dir)
        self.layout = TokenLayout(self.manifest.family)
        self._source_sp = sentencepiece.SentencePieceProcessor(
            model_file=str(model_dir / self.manifest.source_spm))
        self._target_sp = sentencepiece.SentencePieceProcessor(
            model_file=str(model_dir / self.manifest.target_spm))
        self._translator = ctranslate2.Translator(
            str(model_dir), device=device, compute_type=compute_type,
            inter_threads=inter_threads, intra_threads=intra_threads,
        )
        self.beam_size = beam_size
        self.max_input_tokens = max_input_tokens
        self.max_batch_size = max_batch_size
        self.calls = 0
        """translate_batch calls so far (tests check that requests were batched)."""

    @property
    def model_id(self) -> str:
        return self.manifest.model_id

    def supports(self, source: str, target: str) -> bool:
        return (self.manifest.supports(source, target)
                and model_code(source, self.manifest.family) is not None
                and model_code(target, self.manifest.family) is not None)

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        if not self.supports(source, target):
            raise EngineError("unsupported_pair", f"model does not translate {source}->{target}")
        src_code = model_code(source, self.manifest.family)
        tgt_code = model_code(target, self.manifest.family)
        assert src_code is not None and tgt_code is not None
        batch = []
        for text in texts:
            pieces = self._source_sp.encode(text, out_type=str)
            if len(pieces) > self.max_input_tokens:
                raise EngineError("text_too_long",
                                  f"a sentence exceeds {self.max_input_tokens} tokens")
            batch.append(self.layout.source(pieces, src_code, tgt_code))
        prefix = self.layout.target_prefix(tgt_code)
        self.calls += 1
        results = self._translator.translate_batch(
            batch,
            target_prefix=[prefix] * len(batch) if prefix else None,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_size,
            max_decoding_length=self.max_input_tokens * 2,
        )
        return [
            self._target_sp.decode(self.layout.output_pieces(r.hypotheses[0], tgt_code))
            for r in results
        ]


class UnavailableEngine:
    """Stands in when no model is installed: supports nothing, so only memory hits succeed."""

    model_id = "none"

    def supports(self, source: str, target: str) -> bool:
        return False

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        raise EngineError("no_model", "no translation model is installed")
