"""The one BCP-47 <-> model-family code table, and the token layout per family."""

from __future__ import annotations

import pytest

from madoguchi.shared.models.translation_languages import (
    LANGUAGE_CODES,
    SUPPORTED_LANGUAGES,
    ModelFamily,
    model_code,
    normalise_tag,
    tag_for_code,
)
from madoguchi.translation.tokens import TokenLayout

pytestmark = pytest.mark.fast

OFFERED = ("ja", "en", "zh-Hans", "ko", "vi", "ne", "my", "tl", "pt", "es")


def test_every_offered_language_has_a_row_for_every_family() -> None:
    assert SUPPORTED_LANGUAGES == OFFERED
    for tag, codes in LANGUAGE_CODES.items():
        assert set(codes) == set(ModelFamily), tag


@pytest.mark.parametrize("family", list(ModelFamily))
def test_codes_are_unique_within_a_family_and_round_trip(family: ModelFamily) -> None:
    codes = [c[family] for c in LANGUAGE_CODES.values() if c[family] is not None]
    assert len(codes) == len(set(codes))
    for tag in OFFERED:
        code = model_code(tag, family)
        if code is not None:
            assert tag_for_code(code, family) == tag


@pytest.mark.parametrize(("tag", "family", "code"), [
    ("ja", ModelFamily.M2M100, "ja"), ("zh-Hans", ModelFamily.M2M100, "zh"),
    ("zh-Hans", ModelFamily.NLLB, "zho_Hans"), ("ne", ModelFamily.NLLB, "npi_Deva"),
    ("my", ModelFamily.NLLB, "mya_Mymr"), ("tl", ModelFamily.MADLAD, "fil"),
    ("pt-BR", ModelFamily.NLLB, "por_Latn"), ("ne", ModelFamily.OPUS_MT, None),
    ("de", ModelFamily.M2M100, None),
])
def test_known_codes(tag: str, family: ModelFamily, code: str | None) -> None:
    assert model_code(tag, family) == code


def test_tag_aliases() -> None:
    assert normalise_tag("zh") == "zh-Hans" and normalise_tag("ZH-hans") == "zh-Hans"
    assert normalise_tag("fil") == "tl" and normalise_tag("pt-BR") == "pt"
    assert normalise_tag("xx") is None and normalise_tag("zh-Hant") is None


def test_token_layouts() -> None:
    pieces = ["▁a", "b"]
    m2m = TokenLayout(ModelFamily.M2M100)
    assert m2m.source(pieces, "ja", "en") == ["__ja__", "▁a", "b", "</s>"]
    assert m2m.target_prefix("en") == ["__en__"]
    assert m2m.output_pieces(["__en__", "▁x"], "en") == ["▁x"]
    nllb = TokenLayout(ModelFamily.NLLB)
    assert nllb.source(pieces, "jpn_Jpan", "eng_Latn") == ["jpn_Jpan", "▁a", "b", "</s>"]
    assert nllb.target_prefix("eng_Latn") == ["eng_Latn"]
    madlad = TokenLayout(ModelFamily.MADLAD)
    assert madlad.source(pieces, "ja", "en") == ["<2en>", "▁a", "b", "</s>"]
    assert madlad.target_prefix("en") is None
    assert TokenLayout(ModelFamily.OPUS_MT).source(pieces, "ja", "en") == ["▁a", "b", "</s>"]
