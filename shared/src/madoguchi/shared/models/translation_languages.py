"""The one table mapping the languages Madoguchi offers (BCP-47) to each model family's codes.

`None` means the family has no code for the language (the engine then refuses the pair).
MADLAD-400 and OPUS-MT codes follow their model cards; MADLAD writes Filipino as `fil`.
Standard library only (the fixture training script imports it). Ingest may use it too.
"""

from __future__ import annotations

from enum import StrEnum


class ModelFamily(StrEnum):
    M2M100 = "m2m100"
    NLLB = "nllb"
    MADLAD = "madlad"
    OPUS_MT = "opus-mt"


# BCP-47 tag -> {family: code}. Order = the order the tablet lists the languages in.
LANGUAGE_CODES: dict[str, dict[ModelFamily, str | None]] = {
    "ja": {ModelFamily.M2M100: "ja", ModelFamily.NLLB: "jpn_Jpan",
           ModelFamily.MADLAD: "ja", ModelFamily.OPUS_MT: "ja"},
    "en": {ModelFamily.M2M100: "en", ModelFamily.NLLB: "eng_Latn",
           ModelFamily.MADLAD: "en", ModelFamily.OPUS_MT: "en"},
    "zh-Hans": {ModelFamily.M2M100: "zh", ModelFamily.NLLB: "zho_Hans",
                ModelFamily.MADLAD: "zh", ModelFamily.OPUS_MT: "zh"},
    "ko": {ModelFamily.M2M100: "ko", ModelFamily.NLLB: "kor_Hang",
           ModelFamily.MADLAD: "ko", ModelFamily.OPUS_MT: "ko"},
    "vi": {ModelFamily.M2M100: "vi", ModelFamily.NLLB: "vie_Latn",
           ModelFamily.MADLAD: "vi", ModelFamily.OPUS_MT: "vi"},
    "ne": {ModelFamily.M2M100: "ne", ModelFamily.NLLB: "npi_Deva",
           ModelFamily.MADLAD: "ne", ModelFamily.OPUS_MT: None},
    "my": {ModelFamily.M2M100: "my", ModelFamily.NLLB: "mya_Mymr",
           ModelFamily.MADLAD: "my", ModelFamily.OPUS_MT: None},
    "tl": {ModelFamily.M2M100: "tl", ModelFamily.NLLB: "tgl_Latn",
           ModelFamily.MADLAD: "fil", ModelFamily.OPUS_MT: "tl"},
    "pt": {ModelFamily.M2M100: "pt", ModelFamily.NLLB: "por_Latn",
           ModelFamily.MADLAD: "pt", ModelFamily.OPUS_MT: "pt"},
    "es": {ModelFamily.M2M100: "es", ModelFamily.NLLB: "spa_Latn",
           ModelFamily.MADLAD: "es", ModelFamily.OPUS_MT: "es"},
}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_CODES)


def normalise_tag(tag: str) -> str | None:
    """Map what clients send ("zh", "ZH-hans", "pt-BR", "fil") to one of our tags, or None."""
    lowered = tag.strip().replace("_", "-").lower()
    aliases = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-hans": "zh-Hans", "zh-sg": "zh-Hans",
               "fil": "tl", "pt-br": "pt", "pt-pt": "pt", "npi": "ne"}
    if lowered in aliases:
        return aliases[lowered]
    base = lowered.split("-")[0]
    return base if base in LANGUAGE_CODES else None


def model_code(tag: str, family: ModelFamily) -> str | None:
    canonical = normalise_tag(tag)
    return None if canonical is None else LANGUAGE_CODES[canonical][family]


def tag_for_code(code: str, family: ModelFamily) -> str | None:
    for tag, codes in LANGUAGE_CODES.items():
        if codes[family] == code:
            return tag
    return None
