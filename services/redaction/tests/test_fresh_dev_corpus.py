"""Checks on the fresh development corpus (eval/fresh_dev.py): offsets, types, balance,
determinism, and that planted My Numbers and residence-card numbers are well formed."""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
sys.path.insert(0, str(EVAL_DIR))
import fresh_dev  # type: ignore[import-not-found]  # noqa: E402
from sample import ENTITY_TYPES  # type: ignore[import-not-found]  # noqa: E402

pytestmark = pytest.mark.fast

NINE = set(ENTITY_TYPES)  # sample.py: the nine types every corpus labels
MIN_PER_TYPE_AND_LANGUAGE = 5
RESIDENCE_CARD = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")

# Digit words this reader understands, written independently of the generator's tables.
_WORDS: dict[str, int] = {}
for _digit, _forms in enumerate(
    (
        ("〇", "零", "ゼロ", "レイ", "マル", "zero", "oh", "공", "영", "không"),
        ("一", "幺", "イチ", "one", "일", "một"),
        ("二", "ニ", "two", "이", "hai"),
        ("三", "サン", "three", "삼", "ba"),
        ("四", "ヨン", "four", "사", "bốn"),
        ("五", "ゴ", "five", "오", "năm"),
        ("六", "ロク", "six", "육", "sáu"),
        ("七", "ナナ", "seven", "칠", "bảy"),
        ("八", "ハチ", "eight", "팔", "tám"),
        ("九", "キュウ", "キュー", "nine", "구", "chín"),
    )
):
    for _form in _forms:
        _WORDS[unicodedata.normalize("NFKC", _form).casefold()] = _digit
_BY_LENGTH = sorted(_WORDS, key=len, reverse=True)


def read_digits(spoken: str) -> str:
    """Digits of a number as written or said (separators and fillers are skipped)."""
    s = unicodedata.normalize("NFKC", spoken).casefold()
    out: list[str] = []
    i = 0
    while i < len(s):
        if s[i].isascii() and s[i].isdigit():
            out.append(s[i])
            i += 1
            continue
        for word in _BY_LENGTH:
            if s.startswith(word, i):
                out.append(str(_WORDS[word]))
                i += len(word)
                break
        else:
            i += 1
    return "".join(out)


def valid_my_number(digits: str) -> bool:
    if not re.fullmatch(r"[0-9]{12}", digits):
        return False
    body = [int(c) for c in digits[:11]]
    total = 0
    for n in range(1, 12):  # n counts from the right of the 11 body digits
        weight = n + 1 if n <= 6 else n - 5
        total += body[-n] * weight
    r = total % 11
    return int(digits[11]) == (0 if r <= 1 else 11 - r)


@pytest.fixture(scope="module")
def samples() -> list[fresh_dev.Sample]:
    return list(fresh_dev.build())


def test_reader_and_check_digit_helpers() -> None:
    assert read_digits("１２３ えっと 四五ロク") == "123456"
    assert read_digits("공일공에 일이") == "01012"
    assert read_digits("không một, hai ba") == "0123"
    assert read_digits("nine eight dash seven") == "987"
    assert valid_my_number("123456789018")
    assert not valid_my_number("123456789012")


def test_size_languages_and_ids(samples: list[fresh_dev.Sample]) -> None:
    assert 500 <= len(samples) <= 600
    assert set(fresh_dev.LANGUAGES) == {"ja", "en", "zh", "ko", "vi"}
    ids = [s.sample_id for s in samples]
    assert len(ids) == len(set(ids))
    for s in samples:
        assert s.language in fresh_dev.LANGUAGES
        assert re.fullmatch(rf"freshdev-{s.language}-[0-9]{{4}}", s.sample_id)
    by_lang = Counter(s.language for s in samples)
    assert by_lang.most_common(1)[0][0] == "ja"


def test_spans_are_exact_minimal_and_disjoint(samples: list[fresh_dev.Sample]) -> None:
    for s in samples:
        previous_end = -1
        for etype, start, end, value in sorted(s.spans, key=lambda sp: sp[1]):
            assert etype in NINE, s
            assert 0 <= start < end <= len(s.text), s
            assert s.text[start:end] == value, s
            assert value == value.strip() and value, s
            assert start >= previous_end, f"overlap in {s.sample_id}"
            previous_end = end


def test_every_type_in_every_language(samples: list[fresh_dev.Sample]) -> None:
    counts = Counter((s.language, sp[0]) for s in samples for sp in s.spans)
    for lang in fresh_dev.LANGUAGES:
        for etype in NINE:
            assert counts[(lang, etype)] >= MIN_PER_TYPE_AND_LANGUAGE, (
                lang,
                etype,
                counts[(lang, etype)],
            )


def test_negative_share(samples: list[fresh_dev.Sample]) -> None:
    share = sum(1 for s in samples if not s.spans) / len(samples)
    assert 0.15 <= share <= 0.30, share
    for lang in fresh_dev.LANGUAGES:
        of_lang = [s for s in samples if s.language == lang]
        assert any(not s.spans for s in of_lang), lang


def test_deterministic() -> None:
    assert fresh_dev.build() == fresh_dev.build()


def test_my_numbers_have_valid_check_digit(samples: list[fresh_dev.Sample]) -> None:
    seen = 0
    for s in samples:
        for etype, _, _, value in s.spans:
            if etype == "MY_NUMBER":
                seen += 1
                digits = read_digits(value)
                assert valid_my_number(digits), (s.sample_id, value, digits)
    assert seen > 0


def test_residence_cards_match_pattern(samples: list[fresh_dev.Sample]) -> None:
    seen = 0
    for s in samples:
        for etype, _, _, value in s.spans:
            if etype == "RESIDENCE_CARD":
                seen += 1
                norm = unicodedata.normalize("NFKC", value).upper()
                norm = norm.replace(" ", "").replace("-", "")
                assert RESIDENCE_CARD.fullmatch(norm), (s.sample_id, value)
    assert seen > 0


def test_generator_imports_nothing_from_madoguchi() -> None:
    tree = ast.parse((EVAL_DIR / "fresh_dev.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n.split(".")[0] == "madoguchi" for n in names), names
