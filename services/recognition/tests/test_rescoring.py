"""Choosing among the beam's hypotheses with the counter's character model (real Sudachi for
the correction, no Whisper: the hypotheses are written here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from madoguchi.recognition.correction import TermCorrector
from madoguchi.recognition.readings import shared_reader
from madoguchi.recognition.rescoring import (
    WINDOW,
    CharacterModel,
    Rescorer,
    counter_texts,
    shipped_sentences,
)
from madoguchi.recognition.service import load_rescorers
from madoguchi.recognition.settings import RecognitionSettings
from madoguchi.recognition.vocabulary import Vocabulary

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load(reader=shared_reader())


@pytest.fixture(scope="module")
def corrector(vocabulary: Vocabulary) -> TermCorrector:
    return TermCorrector(vocabulary.for_language("ja"), shared_reader())


@pytest.fixture(scope="module")
def model(vocabulary: Vocabulary) -> CharacterModel:
    return CharacterModel(counter_texts(t.text for t in vocabulary.for_language("ja")))


def test_the_model_learns_the_phrasebook_and_the_terms(
        model: CharacterModel, vocabulary: Vocabulary) -> None:
    assert model.texts > len(vocabulary.for_language("ja")) + 700  # phrases, sentences, terms
    # Sound-alikes the reading cannot tell apart: the counter's word is the likelier one.
    assert model.logprob("代理の方でも申請できます") > model.logprob("大利の方でも申請できます")
    assert model.logprob("窓口は2階です") > model.logprob("窓口は2回です")
    # Punctuation, spaces and width are not what it scores.
    assert model.logprob("住民票の写し、一通") == pytest.approx(model.logprob("住民票の写し 一通"))
    assert model.logprob("２階") == pytest.approx(model.logprob("2階"))


def test_the_model_learns_the_shipped_counter_sentences(model: CharacterModel) -> None:
    sentences = shipped_sentences()
    assert len(sentences) == len(set(sentences)) >= 500
    assert all(sentences) and set(sentences) <= set(counter_texts([]))
    # What they teach that the phrasebook alone did not: counters after numbers, deadlines.
    assert model.logprob("一通300円です") > model.logprob("1,300円です")
    assert model.logprob("14日以内に届け出てください") > model.logprob("14回内に届け出てください")


def test_a_wards_sentences_teach_its_own_names(tmp_path: Path,
                                               corrector: TermCorrector) -> None:
    ward = tmp_path / "ward.json"
    sentences = ["証明書は大里出張所でも受け取れます。", "大里出張所は駅前の3階です。"]
    ward.write_text(json.dumps({"terms": [], "sentences": sentences}, ensure_ascii=False),
                    encoding="utf-8")
    vocabulary = Vocabulary.load(ward, reader=shared_reader())
    assert vocabulary.sentences == tuple(sentences)
    hypotheses = [(" 証明書は大理出張所で受け取れます。", -0.20),
                  (" 証明書は大里出張所で受け取れます。", -0.21)]
    settings = RecognitionSettings()
    shipped = load_rescorers(settings, Vocabulary.load(reader=shared_reader()), corrector)
    own = load_rescorers(settings, vocabulary, corrector)
    assert shipped["ja"].choose(hypotheses)[0] == 0
    assert own["ja"].choose(hypotheses)[0] == 1


def test_the_texts_can_leave_out_what_an_evaluation_scores() -> None:
    every = counter_texts(["転入届"])
    kept = counter_texts(["転入届"], exclude=lambda text: "転入" in text)
    assert "転入届" in every and "転入届" not in kept and 0 < len(kept) < len(every)


def test_a_close_hypothesis_with_the_counters_words_wins(
        model: CharacterModel, corrector: TermCorrector) -> None:
    hypotheses = [(" 委任状があれば、大利の方でも申請できます。", -0.239),
                  (" 委任状があれば、代理の方でも申請できます。", -0.265)]
    chosen, corrected = Rescorer(model, corrector).choose(hypotheses)
    assert chosen == 1
    assert corrected is not None and corrected.text == "委任状があれば、代理の方でも申請できます。"


def test_a_hypothesis_whisper_finds_far_less_likely_never_wins(
        model: CharacterModel, corrector: TermCorrector) -> None:
    hypotheses = [(" 委任状があれば、大利の方でも申請できます。", -0.239),
                  (" 委任状があれば、代理の方でも申請できます。", -0.239 - WINDOW - 0.01)]
    assert Rescorer(model, corrector).choose(hypotheses) == (0, None)  # the worker corrects
    assert Rescorer(model, corrector).choose(hypotheses[:1]) == (0, None)
    assert Rescorer(model, corrector).choose([]) == (0, None)


def test_the_chosen_text_comes_back_corrected_as_the_worker_would(
        model: CharacterModel, corrector: TermCorrector) -> None:
    hypotheses = [(" 電入届けを出したいです。", -0.30), (" 店入届けを出したいです。", -0.31)]
    chosen, corrected = Rescorer(model, corrector).choose(hypotheses)
    assert corrected == corrector.correct(hypotheses[chosen][0].strip())
    assert corrected.text.startswith("転入届") and corrected.corrections
    # Without a corrector (correction switched off) the text is kept as heard.
    plain = Rescorer(model, None).choose(hypotheses)[1]
    assert plain is not None and plain.corrections == () and "入届け" in plain.text
