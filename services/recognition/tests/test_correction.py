"""Term correction by reading and the vocabulary it draws on (real Sudachi, no model)."""

from __future__ import annotations

import gc
import json
import sys
import threading
from pathlib import Path

import pytest

from madoguchi.recognition.correction import TermCorrector
from madoguchi.recognition.readings import katakana, number_reading, shared_reader
from madoguchi.recognition.vocabulary import Term, Vocabulary, VocabularyError

pytestmark = pytest.mark.fast
EVAL = Path(__file__).parents[1] / "eval"


@pytest.fixture(scope="module")
def corrector() -> TermCorrector:
    reader = shared_reader()
    return TermCorrector(Vocabulary.load(reader=reader).for_language("ja"), reader)


@pytest.mark.parametrize(("heard", "meant", "term_id"), [
    ("電入届けを出したいのですが。", "転入届を出したいのですが。", "tennyu-todoke"),
    ("10民票のおつしを一通お願いします。", "住民票の写しを一通お願いします。",
     "juminhyo-no-utsushi"),
    ("引判を忘れました。", "印鑑を忘れました。", "inkan"),
    ("こせき等本をください。", "戸籍謄本をください。", "koseki-tohon"),
    ("せたいぬしのお名前を。", "世帯主のお名前を。", "setainushi"),
    ("まいなんばーかーどはありますか。", "マイナンバーカードはありますか。", "my-number-card"),
    # A long term misheard on its first mora (ギ for イ): the rest of the reading carries it.
    ("銀鑑登録をするには、ご本人が来てください。", "印鑑登録をするには、ご本人が来てください。",
     "inkan-toroku"),
    # を sounds like お, but a term never begins with a particle: を stays, 私します is the span.
    ("証明書を私します。", "証明書をお渡しします。", "owatashi-shimasu"),
])
def test_the_misheard_terms_of_the_issue_are_corrected(
        corrector: TermCorrector, heard: str, meant: str, term_id: str) -> None:
    result = corrector.correct(heard)
    assert result.text == meant
    [correction] = result.corrections
    assert correction.term_id == term_id
    assert meant[correction.start:correction.end] in meant  # positions are in the new text


def test_correct_sentences_are_left_alone(corrector: TermCorrector) -> None:
    """Every Japanese sentence of the evaluation corpus, as written: nothing to correct (a
    term is never turned into another term: 転入届 stays 転入届, not 転出届). The holdout and
    fresh splits are left to `make eval` (which counts the sentences correction rewrites):
    only evaluated."""
    sys.path.insert(0, str(EVAL))
    from corpus import CLIPS

    sentences = {c.text for c in CLIPS if c.language == "ja" and c.split in ("dev", "test")}
    changed = {s: corrector.correct(s).text for s in sentences}
    assert {s: t for s, t in changed.items() if s != t} == {}
    for near_but_other in ("転居先の住所です。", "天気がいいですね。", "因果関係はありません。",
                           "一時間ほどかかります。", "住民票及び戸籍謄本が必要です。",
                           "私が申請します。", "銀行の口座番号です。", "大里さんですね。",
                           # the term's own words with a particle between: said, not misheard
                           "郵送で請求できます。", "顔の写真を撮ります。",
                           "個人の番号を書いてください。"):
        assert corrector.correct(near_but_other).corrections == ()


def test_hypotheses_corrected_together_match_one_by_one_and_leave_nothing_behind(
        corrector: TermCorrector) -> None:
    """The rescorer corrects the beam's hypotheses together, sharing one memo of edit-distance
    rows: the same results as one at a time, and once it returns no object in the process
    still holds the speaker's readings (a cache that outlived the utterance would keep
    fragments of a resident's name after the session closed)."""
    hypotheses = ["渡辺さんの電入届けを出したいのですが。", "渡辺さんの電入届を出したいのですが",
                  "渡辺さんの転入届けを出したいのですが。", "渡辺さんの10民票のおつしです。"]
    together = corrector.correct_all(hypotheses)
    assert together == [corrector.correct(h) for h in hypotheses]
    assert together[0].text == "渡辺さんの転入届を出したいのですが。"
    del together
    gc.collect()
    holders = [o for o in gc.get_objects() if isinstance(o, tuple | list | dict)
               and any(isinstance(x, str) and x == "ワタナベ" for x in
                       (o.keys() if isinstance(o, dict) else o))]
    assert holders == []


def test_readings_fold_what_sounds_the_same() -> None:
    assert katakana("かーど") == katakana("カード") == "カアド"
    assert katakana("を") == "オ"
    assert number_reading("10") == "ジュウ" and number_reading("24") == "ニジュウヨン"
    assert number_reading("123") is None


def test_the_reader_serves_threads_one_at_a_time(corrector: TermCorrector) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                assert corrector.correct("電入届けです").text == "転入届です"
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_wards_own_terms_are_prompted_first_written_last_and_corrected(
        tmp_path: Path) -> None:
    ward = tmp_path / "ward.json"
    ward.write_text(json.dumps({"terms": [
        {"id": "zoshigaya", "language": "ja", "text": "雑司が谷", "reading": "ゾウシガヤ"},
        {"id": "ward-office", "language": "ja", "text": "豊島区役所"},
    ]}, ensure_ascii=False), encoding="utf-8")
    reader = shared_reader()
    vocabulary = Vocabulary.load(ward, reader=reader)
    prompt = vocabulary.prompt("ja")
    assert prompt is not None and prompt.endswith("雑司が谷、豊島区役所。")
    assert prompt.startswith("転入届、") and "印鑑登録証明書" in prompt
    assert "、印鑑、" not in prompt  # inside 印鑑登録証明書 already
    assert vocabulary.prompt("ko") is not None and vocabulary.prompt("tl") is None
    short = vocabulary.prompt("ja", fits=lambda text: len(text) < 60)
    assert short is not None and len(short) < 60 and short.endswith("雑司が谷、豊島区役所。")
    # Then the shipped counter words, in file order; the glossary's only if room is left.
    assert short.startswith("印鑑、住民票の写し、") and "転入届" not in short
    # A longer term that gets in takes the place of the shorter one inside it.
    both = Vocabulary([Term("a", "ja", "印鑑", source="counter"),
                       Term("b", "ja", "印鑑登録証明書", source="glossary")])
    assert both.prompt("ja") == "印鑑登録証明書。"
    assert both.prompt("ja", fits=lambda text: len(text) < 6) == "印鑑。"
    corrector = TermCorrector(vocabulary.for_language("ja"), reader)
    assert corrector.correct("ぞうしがやに住んでいます").text == "雑司が谷に住んでいます"


@pytest.mark.parametrize(("content", "complaint"), [
    ("not json", "cannot be read as JSON"),
    ('{"terms": [{"id": "x", "language": "ja"}]}', "needs non-empty id, language and text"),
    ('{"terms": [{"id": "Bad Id", "language": "ja", "text": "窓口"}]}', "id must match"),
    ('{"terms": [{"id": "x", "language": "ja", "text": "窓口", "reading": "まどぐち"}]}',
     "reading must be katakana"),
    ('{"words": []}', "expected an object with a 'terms' list"),
    ('{"terms": [], "sentences": "3階です"}', "'sentences' must be a list"),
    ('{"terms": [], "sentences": ["3階です", " "]}', "sentence 1 must be a non-empty string"),
    ('{"terms": [], "sentences": ["' + "あ" * 201 + '"]}', "sentence 0 is longer than 200"),
])
def test_a_bad_vocabulary_file_is_refused_with_the_reason(
        tmp_path: Path, content: str, complaint: str) -> None:
    ward = tmp_path / "ward.json"
    ward.write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError, match=complaint):
        Vocabulary.load(ward, reader=shared_reader())


def test_the_operator_check_shows_readings_or_the_reason(tmp_path: Path) -> None:
    from madoguchi.recognition.vocabulary import check

    ward = tmp_path / "ward.json"
    ward.write_text(json.dumps({"terms": [
        {"id": "toshima-kuyakusho", "language": "ja", "text": "豊島区役所"}]},
        ensure_ascii=False), encoding="utf-8")
    lines: list[str] = []
    assert check(ward, lines.append) == 0
    assert lines[0] == "toshima-kuyakusho\tja\t豊島区役所\tトシマクヤクショ"
    assert lines[-2].startswith("prompt (ja), before its token budget: ")
    assert lines[-2].endswith("豊島区役所。")
    assert lines[-1] == "sentences for the rescoring model: 0"
    ward.write_text('{"terms": [{"id": "x"}]}', encoding="utf-8")
    lines.clear()
    assert check(ward, lines.append) == 2 and lines[0].startswith("refused: ")
