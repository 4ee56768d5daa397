from __future__ import annotations

import pytest

from madoguchi.redaction.normalize import normalize

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(("spoken", "expected"), [
    ("電話は〇九〇ー一二三四ー五六七八です", "電話は090-1234-5678です"),
    ("ゼロキューゼロのイチニーサンヨンのゴーロクナナハチです", "090-1234-5678です"),
    ("でんわはぜろきゅうぜろのいちにさんよんのごーろくななはち", "でんわは090-1234-5678"),
    ("０９０－１２３４－５６７８", "090-1234-5678"),
    ("090‐1234―5678", "090-1234-5678"),
    ("1234 5678 9012", "1234-5678-9012"),
    ("〒１６０　００２３", "〒160-0023"),
    ("二〇二四年", "2024年"),
])
def test_speech_forms_become_digits(spoken: str, expected: str) -> None:
    assert normalize(spoken).text == expected


@pytest.mark.parametrize("text", [
    "3番窓口へどうぞ", "手数料300円です", "センターの受付", "イチゴとサンゴ", "しごくまっとう",
    "ゴーストタウン", "1,000円", "三番窓口",
])
def test_ordinary_words_and_numbers_are_left_alone(text: str) -> None:
    assert normalize(text).text == text


def test_spans_map_back_to_the_original_characters() -> None:
    original = "番号はゼロキューゼロのイチニーサンヨンです"
    normalized = normalize(original)
    start = normalized.text.index("090")
    end = start + len("090-1234")
    o_start, o_end = normalized.to_original(start, end)
    assert original[o_start:o_end] == "ゼロキューゼロのイチニーサンヨン"


def test_full_width_maps_one_to_one() -> None:
    original = "ＡＢ１２３４５６７８ＣＤ"
    normalized = normalize(original)
    assert normalized.text == "AB12345678CD"
    assert normalized.to_original(0, len(normalized.text)) == (0, len(original))
