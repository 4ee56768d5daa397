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
    ("zero nine zero, one two three four, five six seven eight", "090-1234-5678"),
    ("Oh Three dash one two three four dash five six seven eight", "03-1234-5678"),
    ("one six zero um zero zero two three", "160-0023"),
    ("không chín không, một hai ba bốn, năm sáu bảy tám", "090-1234-5678"),
    ("零九零，幺二三四，五六七八", "090-1234-5678"),
    ("邮编一六零，零零二三", "邮编160-0023"),
    ("공구공에 일이삼사에 오육칠팔입니다", "090-1234-5678입니다"),
    ("공구공-일이삼사 음 오육칠팔이에요", "090-1234-5678이에요"),
    ("03 so 12345678", "03-12345678"),
    ("oh three, double five two one, triple eight four", "03-5521-8884"),
    ("one two oh... double oh three four", "120-0034"),
    ("육칠공팔, 구삼오사, 사사육칠이요", "6708-9354-4467이요"),
    ("9268，呃，1238 0516", "9268-1238-0516"),
    # năm before a year read out is "year", not a five
    ("sinh năm một chín chín năm", "sinh năm 1995"),
])
def test_speech_forms_become_digits(spoken: str, expected: str) -> None:
    assert normalize(spoken).text == expected


@pytest.mark.parametrize("text", [
    "3番窓口へどうぞ", "手数料300円です", "センターの受付", "イチゴとサンゴ", "しごくまっとう",
    "ゴーストタウン", "1,000円", "三番窓口",
    # words that are also digits, too few in a row to be a number read out
    "I need one or two copies", "Tôi có hai con, ba tuổi", "이사 오일 사이",
    # commas that are not between the groups of a number read out
    "12,345,678円", "items 1, 2, 3", "born on May 29, 2007",
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


def test_digits_read_out_in_words_map_back_to_the_words() -> None:
    original = "call oh nine zero, one two three four, five six seven eight please"
    normalized = normalize(original)
    start = normalized.text.index("090")
    o_start, o_end = normalized.to_original(start, start + len("090-1234-5678"))
    assert original[o_start:o_end] == "oh nine zero, one two three four, five six seven eight"


def test_full_width_maps_one_to_one() -> None:
    original = "ＡＢ１２３４５６７８ＣＤ"
    normalized = normalize(original)
    assert normalized.text == "AB12345678CD"
    assert normalized.to_original(0, len(normalized.text)) == (0, len(original))
