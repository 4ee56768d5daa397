"""Session language tags (BCP-47, as tablets send them) to the model's language codes and back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Tags whose primary subtag is not Whisper's code.
_ALIASES = {"fil": "tl", "nb": "no", "iw": "he", "jv": "jw", "zh-Hant": "zh", "zh-Hans": "zh"}


def to_model_code(tag: str) -> str:
    return _ALIASES.get(tag) or _ALIASES.get(tag.split("-")[0]) or tag.split("-")[0].lower()


def candidates(tags: Sequence[str], supported: Iterable[str]) -> dict[str, str]:
    """Model code -> the session's tag for it, keeping only languages the model knows."""
    known = set(supported)
    result: dict[str, str] = {}
    for tag in tags:
        code = to_model_code(tag)
        if code in known and code not in result:
            result[code] = tag
    return result
