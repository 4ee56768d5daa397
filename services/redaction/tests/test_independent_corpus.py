"""The independent evaluation corpus (eval/independent.py) is what it claims: exact spans, the
size and languages of issue 17, splits that share neither templates nor values, and no code
shared with the recognizers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[1] / "eval"
sys.path.insert(0, str(EVAL))

import independent  # noqa: E402

pytestmark = pytest.mark.fast


def test_spans_are_exact_and_the_corpus_is_large_enough() -> None:
    dev, test = independent.build("dev"), independent.build("test")
    assert len(dev) + len(test) >= 1000
    assert {s.language for s in dev + test} == {"ja", "en", "zh", "ko", "vi"}
    for sample in dev + test:
        for _entity, start, end, value in sample.spans:
            assert sample.text[start:end] == value, sample.sample_id


def test_the_splits_share_no_template_and_no_value() -> None:
    for language in independent.LOCALES:
        assert not set(independent.TEMPLATES["dev"][language]) & set(
            independent.TEMPLATES["test"][language])
    values = [{v for s in independent.build(split) for *_, v in s.spans if len(v) > 8}
              for split in ("dev", "test")]
    assert len(values[0] & values[1]) <= 2  # Faker may repeat a common value by chance


def test_the_generator_imports_nothing_from_the_recognizers() -> None:
    import ast

    tree = ast.parse((EVAL / "independent.py").read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported and not any(name.startswith("madoguchi") for name in imported)


def test_my_numbers_carry_a_valid_check_digit() -> None:
    import random

    from madoguchi.redaction.identifiers import my_number_check_digit

    rng = random.Random(7)
    for _ in range(200):
        number = independent.my_number(rng)
        assert int(number[-1]) == my_number_check_digit(number[:11])
