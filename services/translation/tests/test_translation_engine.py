"""Real CTranslate2 on the committed TEST FIXTURE model: the production code path."""

from __future__ import annotations

import asyncio

import pytest

from madoguchi.shared.phrases import load_phrasebook
from madoguchi.translation.batching import BatchingEngine
from madoguchi.translation.engine import CTranslate2Engine, EngineError, UnavailableEngine
from madoguchi.translation.glossary import Glossary
from madoguchi.translation.pipeline import TranslationPipeline, TranslationRefused, split_sentences


def _pipeline(engine: CTranslate2Engine | UnavailableEngine) -> TranslationPipeline:
    return TranslationPipeline(BatchingEngine(engine), load_phrasebook(), Glossary.load(),
                               max_chars=300)


def test_fixture_model_reproduces_its_training_phrases(
    fixture_engine: CTranslate2Engine, corpus: list[tuple[str, str]],
) -> None:
    assert fixture_engine.manifest.test_fixture is True
    to_en = fixture_engine.translate_batch([ja for ja, _ in corpus], "ja", "en")
    to_ja = fixture_engine.translate_batch([en for _, en in corpus], "en", "ja")
    # A memoriser, not a translator: nearly all training sentences come back exactly.
    assert sum(out == en for out, (_, en) in zip(to_en, corpus, strict=True)) >= 0.8 * len(corpus)
    assert sum(out == ja for out, (ja, _) in zip(to_ja, corpus, strict=True)) >= 0.8 * len(corpus)


def test_unsupported_pair_and_over_long_input(fixture_engine: CTranslate2Engine) -> None:
    assert fixture_engine.supports("ja", "en") and not fixture_engine.supports("ja", "vi")
    with pytest.raises(EngineError) as unsupported:
        fixture_engine.translate_batch(["こんにちは。"], "ja", "vi")
    assert unsupported.value.reason_code == "unsupported_pair"
    with pytest.raises(EngineError) as too_long:
        fixture_engine.translate_batch(["住民票" * 300], "ja", "en")
    assert too_long.value.reason_code == "text_too_long"


async def test_concurrent_requests_share_one_model_call(
    fixture_engine: CTranslate2Engine, corpus: list[tuple[str, str]],
) -> None:
    batching = BatchingEngine(fixture_engine, max_wait=0.05)
    before = fixture_engine.calls
    texts = [[ja] for ja, _ in corpus[8:14]]
    results = await asyncio.gather(*(batching.translate(t, "ja", "en") for t in texts))
    assert fixture_engine.calls - before == 1
    direct = fixture_engine.translate_batch([t[0] for t in texts], "ja", "en")
    assert [r[0] for r in results] == direct  # each caller gets its own sentence back


async def test_one_bad_request_does_not_fail_its_batch_neighbours(
    fixture_engine: CTranslate2Engine,
) -> None:
    batching = BatchingEngine(fixture_engine, max_wait=0.05)
    good, bad = await asyncio.gather(
        batching.translate(["住民票が必要です。"], "ja", "en"),
        batching.translate(["住民票" * 300], "ja", "en"), return_exceptions=True)
    assert good == ["You need a certificate of residence."]
    assert isinstance(bad, EngineError) and bad.reason_code == "text_too_long"


async def test_memory_hit_is_served_without_the_model(fixture_engine: CTranslate2Engine) -> None:
    pipeline = _pipeline(fixture_engine)
    before = fixture_engine.calls
    result = await pipeline.translate("住民票を お渡しします", "ja", "vi")  # normalised match
    assert fixture_engine.calls == before
    assert result.phrase_id == "jumin-here-you-are"
    assert result.phrase_review_status == "machine-draft"
    assert result.target_text == "Đây là phiếu cư trú của bạn."
    assert result.back_translation == "住民票をお渡しします。"
    assert result.model_id == f"translation-memory-v{load_phrasebook().version}"


async def test_model_path_enforces_glossary_and_back_translates(
    fixture_engine: CTranslate2Engine,
) -> None:
    pipeline = _pipeline(fixture_engine)
    before = fixture_engine.calls
    result = await pipeline.translate("転入届を出してください。在留カードを見せてください。",
                                      "ja", "en")
    assert fixture_engine.calls - before == 2  # one batch forward (2 sentences), one back
    assert result.phrase_id is None and result.model_id == fixture_engine.model_id
    assert result.target_text == (
        "Please submit the moving-in notification. Please show me your residence card.")
    assert {(h.term_id, h.enforced) for h in result.glossary_hits} == {
        ("tennyu-todoke", True), ("zairyu-card", True)}
    assert result.back_translation == "転入届を出してください。在留カードを見せてください。"


@pytest.mark.parametrize(("text", "source", "target", "code"), [
    ("   ", "ja", "en", "empty_text"),
    ("あ" * 301, "ja", "en", "text_too_long"),
    ("転入届を出してください。", "ja", "vi", "unsupported_pair"),
    ("転入届を出してください。", "ja", None, "no_target_language"),
    ("転入届を出してください。", "ja", "xx", "unsupported_language"),
])
async def test_refusals(fixture_engine: CTranslate2Engine, text: str, source: str,
                        target: str | None, code: str) -> None:
    with pytest.raises(TranslationRefused) as refused:
        await _pipeline(fixture_engine).translate(text, source, target)
    assert refused.value.reason_code == code
    assert not text.strip() or text.strip()[:5] not in refused.value.reason  # no echo


async def test_same_language_passes_through(fixture_engine: CTranslate2Engine) -> None:
    result = await _pipeline(fixture_engine).translate("ちょっと待って", "ja", "ja")
    assert result.target_text == "ちょっと待って" and result.model_id == "passthrough"


async def test_without_a_model_only_memory_is_served() -> None:
    pipeline = _pipeline(UnavailableEngine())
    assert (await pipeline.translate("Hello.", "en", "ja")).target_text == "こんにちは。"
    with pytest.raises(TranslationRefused) as refused:
        await pipeline.translate("Please submit the moving-in notification.", "en", "ja")
    assert refused.value.reason_code == "no_model"


def test_split_sentences() -> None:
    expected = ["はい。", "いいえ！", "Yes.", "No?", "ok"]
    assert split_sentences("はい。いいえ！ Yes. No? ok") == expected
