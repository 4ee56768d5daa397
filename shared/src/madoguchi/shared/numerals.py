"""Kanji numerals (二〇二六, 四百五十, 十四, 三万) as integers: one reader for every service."""

from __future__ import annotations

KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def kanji_number(text: str) -> int:
    """Digit by digit without units (二〇二六 -> 2026), positional with them (四百五十 -> 450)."""
    if not any(c in KANJI_UNITS or c == "万" for c in text):
        return int("".join(str(KANJI_DIGITS[c]) for c in text))
    total = section = digit = 0
    for c in text:
        if c in KANJI_DIGITS:
            digit = KANJI_DIGITS[c]
        elif c in KANJI_UNITS:
            section += (digit or 1) * KANJI_UNITS[c]
            digit = 0
        else:  # 万
            total += (section + digit or 1) * 10_000
            section = digit = 0
    return total + section + digit
