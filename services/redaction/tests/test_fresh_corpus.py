"""The fresh, evaluation-only corpus (eval/fresh.py): well-formed, independent, deterministic.

Nothing here runs the detector; the comparisons with the other corpora count shared strings
and never print them.
"""

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

import fresh  # noqa: E402
from sample import ENTITY_TYPES  # type: ignore[import-not-found]  # noqa: E402

pytestmark = pytest.mark.fast

TYPES = set(ENTITY_TYPES)  # sample.py: the nine types every corpus labels


@pytest.fixture(scope="module")
def samples() -> list[fresh.Sample]:
    return fresh.build()


# --- an implementation of the check digit of this test's own (総務省令第85号 第5条)


def _check_digit(first11: str) -> int:
    digits = [int(c) for c in reversed(first11)]  # digits[0] is P1, the rightmost
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(digits, start=1))
    r = total % 11
    return 0 if r <= 1 else 11 - r


# --- reading the twelve digits back out of a My Number as it was said

_CHAR_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CHAR_DIGITS.update({c: i for i, c in enumerate("零一二三四五六七八九")})
_CHAR_DIGITS["幺"] = 1
_CHAR_DIGITS.update(dict(zip("공일이삼사오육칠팔구", range(10), strict=True)))
_CHAR_DIGITS["영"] = 0
_KATAKANA = {
    "キュー": 9,
    "キュウ": 9,
    "ゼロ": 0,
    "レイ": 0,
    "マル": 0,
    "イチ": 1,
    "ニー": 2,
    "サン": 3,
    "ヨン": 4,
    "ゴー": 5,
    "ロク": 6,
    "ナナ": 7,
    "シチ": 7,
    "ハチ": 8,
    "ニ": 2,
    "ゴ": 5,
    "ク": 9,
}
_WORDS = {
    "zero": 0,
    "oh": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}


def _spoken_digits(value: str) -> str:
    v = unicodedata.normalize("NFKC", value)
    if re.search(r"[a-zà-ỹ]", v.lower()):
        out = []
        for token in re.findall(r"\d|[^\W\d_]+", v.lower()):
            if token.isdigit():
                out.append(token)
            elif token in _WORDS:
                out.append(str(_WORDS[token]))
        return "".join(out)
    keys = sorted(_KATAKANA, key=len, reverse=True)
    out, i = [], 0
    while i < len(v):
        ch = v[i]
        if ch.isdigit():
            out.append(ch)
            i += 1
            continue
        if ch in _CHAR_DIGITS:
            out.append(str(_CHAR_DIGITS[ch]))
            i += 1
            continue
        for key in keys:
            if v.startswith(key, i):
                out.append(str(_KATAKANA[key]))
                i += len(key)
                break
        else:
            i += 1
    return "".join(out)


# --- the tests


def test_at_least_450_samples_in_five_languages(samples: list[fresh.Sample]) -> None:
    assert len(samples) >= 450
    languages = Counter(s.language for s in samples)
    assert set(languages) == {"ja", "en", "zh", "ko", "vi"}
    assert max(languages, key=lambda k: languages[k]) == "ja"
    assert 0.35 <= languages["ja"] / len(samples) <= 0.5
    for lang in ("en", "zh", "ko", "vi"):
        assert languages[lang] / len(samples) >= 0.12, lang


def test_ids_are_fresh_and_unique(samples: list[fresh.Sample]) -> None:
    ids = [s.sample_id for s in samples]
    assert len(set(ids)) == len(ids)
    for s in samples:
        assert re.fullmatch(rf"fresh-{s.language}-\d{{4}}", s.sample_id), s.sample_id


def test_spans_are_exact_minimal_and_disjoint(samples: list[fresh.Sample]) -> None:
    for s in samples:
        previous_end = 0
        for etype, start, end, value in s.spans:
            assert etype in TYPES, s.sample_id
            assert 0 <= start < end <= len(s.text), s.sample_id
            assert s.text[start:end] == value, s.sample_id
            assert value == value.strip(), s.sample_id
            assert value.strip("、。,.，") == value, s.sample_id
            assert start >= previous_end, s.sample_id
            previous_end = end
        assert s.text == s.text.strip(), s.sample_id


def test_every_type_has_enough_gold_values(samples: list[fresh.Sample]) -> None:
    counts = Counter(etype for s in samples for etype, *_ in s.spans)
    assert set(counts) == TYPES
    for etype in TYPES:
        assert counts[etype] >= (60 if etype in ("PERSON", "ADDRESS_JP") else 20), etype


_NUMERAL = re.compile(
    r"[0-9０-９〇一二三四五六七八九十百千]"
    r"|[일이삼사오육칠팔구십백천]+\s?(?:엔|통|번|층|시|분|일|월)"
    r"|(?:한|두|세|네)\s?(?:통|번|층)"
    r"|\b(?:one|two|three|four|five|first|second|third)\b",
    re.IGNORECASE,
)


def test_negatives_are_a_sixth_and_carry_decoys(samples: list[fresh.Sample]) -> None:
    negatives = [s for s in samples if not s.spans]
    assert len(negatives) >= 0.15 * len(samples)
    places = [p for names in fresh.PLACES.values() for p in names]
    for s in negatives:
        assert _NUMERAL.search(s.text) or any(p in s.text for p in places), s.sample_id
    # each negative template carries at least one value that is not personal data
    for lang, templates in fresh.TEMPLATES.items():
        for template in templates:
            slots = re.findall(r"<([A-Za-z]+)(?:\.[a-z]+)?>", template)
            assert slots, (lang, template)
            assert all(name in fresh.SLOT_TYPES or name.islower() for name in slots), template


def test_build_is_deterministic(samples: list[fresh.Sample]) -> None:
    assert fresh.build() == samples
    assert fresh.SEED not in (170001, 170002)


def test_my_numbers_are_valid(samples: list[fresh.Sample]) -> None:
    from madoguchi.redaction.identifiers import my_number_check_digit

    values = [v for s in samples for etype, _, _, v in s.spans if etype == "MY_NUMBER"]
    assert len(values) >= 20
    for value in values:
        digits = _spoken_digits(value)
        assert len(digits) == 12, value
        assert int(digits[11]) == _check_digit(digits[:11]), value
        assert int(digits[11]) == my_number_check_digit(digits[:11]), value


def test_my_number_helper() -> None:
    import random

    rng = random.Random(7)
    for _ in range(200):
        value = fresh.my_number(rng)
        assert re.fullmatch(r"\d{12}", value)
        assert int(value[11]) == _check_digit(value[:11])
    # worked by hand: P1..P11 = 1,0,9,8,7,6,5,4,3,2,1; sum of P*Q = 212; 212 mod 11 = 3 -> 8
    assert _check_digit("12345678901") == 8
    assert fresh.my_number_check("12345678901") == 8


def test_own_check_digit_matches_the_services() -> None:
    import random

    from madoguchi.redaction.identifiers import my_number_check_digit

    rng = random.Random(11)
    for _ in range(300):
        first11 = "".join(str(rng.randrange(10)) for _ in range(11))
        assert (
            _check_digit(first11)
            == my_number_check_digit(first11)
            == fresh.my_number_check(first11)
        )


def test_module_imports_nothing_from_the_service_or_the_other_corpora() -> None:
    tree = ast.parse((EVAL_DIR / "fresh.py").read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            imported.add(node.module or "")
    for name in imported:
        top = name.split(".")[0]
        assert not top.startswith("madoguchi"), name
        assert top not in ("corpus", "independent"), name
        assert top in sys.stdlib_module_names or top in ("faker", "sample", "__future__"), name


def test_templates_are_many_and_shared_with_no_other_corpus() -> None:
    assert set(fresh.TEMPLATES) == {"ja", "en", "zh", "ko", "vi"}
    assert len(set(fresh.TEMPLATES["ja"])) >= 40
    for lang in ("en", "zh", "ko", "vi"):
        assert len(set(fresh.TEMPLATES[lang])) >= 25, lang
    import independent

    mine = {t for templates in fresh.TEMPLATES.values() for t in templates}
    theirs = {
        t
        for by_language in independent.TEMPLATES.values()
        for templates in by_language.values()
        for t in templates
    }
    n_shared = len(mine & theirs)
    assert n_shared == 0


def test_no_sentence_equals_one_of_the_other_corpora(samples: list[fresh.Sample]) -> None:
    import importlib.util

    import independent

    # By path: the recognition eval also has a `corpus` module, and a whole-suite run may
    # have imported that one under the same name first.
    spec = importlib.util.spec_from_file_location(
        "redaction_regression_corpus", Path(fresh.__file__).with_name("corpus.py"))
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    theirs = {s.text for s in corpus.build()}
    for split in ("dev", "test"):
        theirs |= {s.text for s in independent.build(split)}
    n_shared = len({s.text for s in samples} & theirs)
    assert n_shared == 0
