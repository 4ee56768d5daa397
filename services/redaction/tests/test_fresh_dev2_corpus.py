"""Checks of the fresh DEV corpus no. 2 (services/redaction/eval/fresh_dev2.py).

They check the corpus itself (spans, types, My Number check digits, coverage, determinism),
never the redaction rules, and import the corpus the way the evaluation does: from its own
folder, as a sibling of ``sample.py``.
"""

from __future__ import annotations

import importlib
import itertools
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.fast

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
LANGS = ("ja", "en", "zh", "ko", "vi")


def _load(name: str) -> ModuleType:
    if str(EVAL_DIR) not in sys.path:
        sys.path.insert(0, str(EVAL_DIR))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def corpus() -> ModuleType:
    return _load("fresh_dev2")


@pytest.fixture(scope="module")
def samples(corpus: ModuleType) -> list:
    return corpus.build()


@pytest.fixture(scope="module")
def entity_types() -> tuple[str, ...]:
    return _load("sample").ENTITY_TYPES


# --------------------------------------------------------------------------- digit reading
# A spoken digit in any of the five languages, mapped to the digit it stands for.
_WORDS = {
    # Japanese katakana and hiragana
    "ゼロ": "0",
    "マル": "0",
    "レイ": "0",
    "イチ": "1",
    "ニー": "2",
    "ニ": "2",
    "サン": "3",
    "ヨン": "4",
    "ゴー": "5",
    "ゴ": "5",
    "ロク": "6",
    "ナナ": "7",
    "ハチ": "8",
    "キュウ": "9",
    "キュー": "9",
    "ぜろ": "0",
    "まる": "0",
    "れい": "0",
    "いち": "1",
    "にー": "2",
    "に": "2",
    "さん": "3",
    "よん": "4",
    "ごー": "5",
    "ご": "5",
    "ろく": "6",
    "なな": "7",
    "はち": "8",
    "きゅう": "9",
    # kanji / hanzi
    "〇": "0",
    "零": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
    # Sino-Korean
    "공": "0",
    "영": "0",
    "일": "1",
    "이": "2",
    "삼": "3",
    "사": "4",
    "오": "5",
    "육": "6",
    "칠": "7",
    "팔": "8",
    "구": "9",
    # Vietnamese
    "không": "0",
    "một": "1",
    "hai": "2",
    "ba": "3",
    "bốn": "4",
    "năm": "5",
    "sáu": "6",
    "bảy": "7",
    "tám": "8",
    "chín": "9",
}
_EN = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TOKEN = re.compile(
    r"\d|(?<![a-z])(?:double|triple|"
    + "|".join(_EN)
    + r")(?![a-z])|"
    + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
)


def spoken_digits(value: str) -> str:
    """The digits a written or read-out number stands for; fillers and separators drop out."""
    text = unicodedata.normalize("NFKC", value).lower()
    out: list[str] = []
    repeat = 1
    for token in _TOKEN.findall(text):
        if token in ("double", "triple"):
            repeat = 2 if token == "double" else 3
            continue
        digit = token if token.isdigit() else _EN.get(token) or _WORDS[token]
        out.append(digit * repeat)
        repeat = 1
    return "".join(out)


def my_number_ok(digits: str) -> bool:
    """The check digit by sample.py, and by the service's own implementation: the two agree."""
    from madoguchi.redaction.identifiers import my_number_check_digit as services
    if not re.fullmatch(r"\d{12}", digits):
        return False
    first11 = digits[:11]
    return int(digits[11]) == _load("sample").my_number_check_digit(first11) == services(first11)


# --------------------------------------------------------------------------- helpers' own tests
def test_check_digit_helper_on_hand_computed_numbers() -> None:
    # 12345678901 -> weights from the right 2..7, 2..6: sum 212, r = 3, check 8
    assert my_number_ok("123456789018")
    assert not my_number_ok("123456789011")
    assert my_number_ok("000000000000")


def test_spoken_digit_reader() -> None:
    assert spoken_digits("oh nine oh, double one two... triple five") == "090112555"
    assert spoken_digits("ゼロキュウゼロの イチニーサンヨン") == "0901234"
    assert spoken_digits("幺三零〇") == "1300"
    assert spoken_digits("공구공에 일이삼사") == "0901234"
    assert spoken_digits("không chín, ờ, bảy ba") == "0973"
    assert spoken_digits("１２３４、えーと、5678") == "12345678"


# --------------------------------------------------------------------------- corpus checks
def test_spans_match_text(samples: list) -> None:
    for s in samples:
        for kind, start, end, value in s.spans:
            assert 0 <= start < end <= len(s.text), (s.sample_id, kind, start, end)
            assert s.text[start:end] == value, (s.sample_id, kind, value)
            assert value == value.strip(), (s.sample_id, value)


def test_spans_do_not_overlap(samples: list) -> None:
    for s in samples:
        spans = sorted(s.spans, key=lambda sp: sp[1])
        for a, b in itertools.pairwise(spans):
            assert a[2] <= b[1], (s.sample_id, a, b)


def test_types_are_known(samples: list, entity_types: tuple[str, ...]) -> None:
    for s in samples:
        for kind, *_ in s.spans:
            assert kind in entity_types, (s.sample_id, kind)


def test_my_numbers_have_valid_check_digits(samples: list) -> None:
    seen = 0
    for s in samples:
        for kind, _, _, value in s.spans:
            if kind == "MY_NUMBER":
                seen += 1
                assert my_number_ok(spoken_digits(value)), (s.sample_id, value)
    assert seen > 0


def test_value_shapes(samples: list) -> None:
    honorifics = ("さん", "様", "さま", "씨", "先生", "くん", "ちゃん")
    for s in samples:
        for kind, _, _, value in s.spans:
            if kind == "PERSON":
                assert not value.endswith(honorifics), (s.sample_id, value)
            if kind == "POSTAL_CODE":
                assert not value.startswith("〒"), (s.sample_id, value)
                assert len(spoken_digits(value)) == 7, (s.sample_id, value)
            if kind == "PHONE_JP":
                digits = spoken_digits(value)
                if "+81" in value:
                    digits = "0" + digits[2:]
                assert len(digits) in (10, 11) and digits[0] == "0", (s.sample_id, value)
            plain = value.isascii() and " " not in value and "-" not in value
            if kind == "RESIDENCE_CARD" and plain:
                assert re.fullmatch(r"[A-Za-z]{2}\d{8}[A-Za-z]{2}", value), (s.sample_id, value)


def test_each_language_has_enough_samples_and_both_kinds(samples: list) -> None:
    by_lang = Counter(s.language for s in samples)
    assert set(by_lang) == set(LANGS)
    for lang in LANGS:
        mine = [s for s in samples if s.language == lang]
        assert len(mine) >= 80, (lang, len(mine))
        negatives = [s for s in mine if not s.spans]
        assert negatives, lang
        assert len(negatives) < len(mine), lang
    total_neg = sum(1 for s in samples if not s.spans)
    assert 0.12 <= total_neg / len(samples) <= 0.3


def test_every_type_in_every_language(samples: list, entity_types: tuple[str, ...]) -> None:
    for lang in LANGS:
        counts = Counter(kind for s in samples if s.language == lang for kind, *_ in s.spans)
        for kind in entity_types:
            assert counts[kind] >= 3, (lang, kind, counts[kind])


def test_build_is_deterministic(corpus: ModuleType) -> None:
    assert corpus.build() == corpus.build()


def test_ids_unique_and_well_formed(samples: list) -> None:
    ids = [s.sample_id for s in samples]
    assert len(ids) == len(set(ids))
    for s in samples:
        assert re.fullmatch(rf"freshdev2-{s.language}-\d{{4}}", s.sample_id), s.sample_id


def test_corpus_imports_nothing_from_the_service() -> None:
    source = (EVAL_DIR / "fresh_dev2.py").read_text(encoding="utf-8")
    assert "madoguchi" not in source
    assert source.startswith("# ruff: noqa: E501\n")
