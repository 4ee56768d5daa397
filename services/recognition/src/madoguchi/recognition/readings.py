"""Kana readings of Japanese text: Sudachi for words, KANJIDIC2 for every reading of a kanji.

Term correction compares sounds, not spellings, so it needs each span's possible readings:
Sudachi's dictionary reading of a word (住民 → ジュウミン) and, for the sound-alike kanji Whisper
picks when it mishears a term (電入 for 転入), every on and kun reading of each kanji
(`data/kanji_readings.tsv`, see tools/make_kanji_readings.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KANJI_FILE = Path(__file__).parent / "data" / "kanji_readings.tsv"
_DIGITS = "〇一二三四五六七八九"
_DIGIT_READINGS = ("レイ", "イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ", "キュウ")
_FOLD = str.maketrans({"ヲ": "オ", "ヂ": "ジ", "ヅ": "ズ", "ヴ": "ブ"})
_VOWEL_OF = {c: v for v, row in (("ア", "アカサタナハマヤラワガザダバパァャヮ"),
                                 ("イ", "イキシチニヒミリギジヂビピィ"),
                                 ("ウ", "ウクスツヌフムユルグズヅブプゥュヴ"),
                                 ("エ", "エケセテネヘメレゲゼデベペェ"),
                                 ("オ", "オコソトノホモヨロヲゴゾドボポォョ")) for c in row}
_NUMBER = re.compile(r"^[0-9]{1,2}$")


def katakana(text: str) -> str:
    """Hiragana to katakana; a long-vowel mark as the vowel it lengthens (カード → カアド, as
    ジュウ is spelt), the rare kana folded to what they sound like."""
    out: list[str] = []
    for c in text:
        c = chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c
        if c == "ー" and out:
            c = _VOWEL_OF.get(out[-1], c)
        out.append(c)
    return "".join(out).translate(_FOLD)


def is_kana(char: str) -> bool:
    return "ぁ" <= char <= "ゖ" or "ァ" <= char <= "ヺ" or char == "ー"


def is_kanji(char: str) -> bool:
    return "一" <= char <= "鿿" or char in "々〆"


def number_reading(digits: str) -> str | None:
    """0–99 as read aloud (Whisper writes ジュウ as 10): enough for the spans a term can hide in."""
    if not _NUMBER.match(digits):
        return None
    value = int(digits)
    if value < 10:
        return _DIGIT_READINGS[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else _DIGIT_READINGS[tens]) + "ジュウ" + (
        _DIGIT_READINGS[ones] if ones else "")


@cache
def kanji_readings() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in KANJI_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            literal, readings = line.split("\t")
            table[literal] = tuple(katakana(r) for r in readings.split())
    return table


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    surface: str
    reading: str | None
    """Sudachi's reading (katakana, folded); None for an out-of-vocabulary token."""
    oov: bool
    particle: bool = False
    """A case or binding particle (を, は, に ...): no term begins with one, though を sounds like
    the お that begins many (を私します is not お渡しします)."""


class Reader:
    """Sudachi (core dictionary, loaded once per process) behind two questions."""

    def __init__(self) -> None:
        from sudachipy import dictionary  # type: ignore[import-untyped]
        from sudachipy import tokenizer as sudachi_tokenizer

        self._tokenizer: Any = dictionary.Dictionary(dict="core").create()
        self._lock = threading.Lock()  # a Sudachi tokenizer is not for two threads at once
        self._split_a = sudachi_tokenizer.Tokenizer.SplitMode.A
        self._split_c = sudachi_tokenizer.Tokenizer.SplitMode.C

    def tokens(self, text: str) -> list[Token]:
        """Short units (mode A): the places a corrected span may begin or end."""
        found = []
        with self._lock:
            morphemes = list(self._tokenizer.tokenize(text, self._split_a))
        for m in morphemes:
            oov = bool(m.is_oov())
            reading = None if oov else katakana(m.reading_form())
            found.append(Token(m.begin(), m.end(), m.surface(), reading or None, oov,
                               m.part_of_speech()[0] == "助詞"))
        return found

    def reading(self, text: str) -> str:
        """The whole text's reading, as a term's reading is computed (mode C: 転入届 as one)."""
        with self._lock:
            morphemes = list(self._tokenizer.tokenize(unicodedata.normalize("NFKC", text),
                                                      self._split_c))
        return "".join(katakana(m.reading_form() or m.surface()) for m in morphemes)


@cache
def shared_reader() -> Reader:
    """One Sudachi per process: its dictionary is large."""
    return Reader()


def char_readings(char: str) -> tuple[str, ...]:
    """What one character may sound like: every reading of a kanji, a kana itself, a numeral
    kanji's reading; nothing for other characters (they can only be substituted)."""
    if is_kana(char):
        return (katakana(char),)
    if char in _DIGITS:
        return (_DIGIT_READINGS[_DIGITS.index(char)], *kanji_readings().get(char, ()))
    if is_kanji(char):
        return kanji_readings().get(char, ())
    return ()
