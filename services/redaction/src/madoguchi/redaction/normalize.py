"""Normalise speech transcripts before matching, keeping a map back to the original text.

Recognisers see `NormalizedText.text`; the spans they find are mapped back with
`to_original()` so that the placeholder replaces exactly the characters the speaker produced
(full-width digits, `〇九〇`, `ゼロキューゼロ`, `090 1234 5678` ...). Every normalised character
remembers the half-open span of original characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# (char, original start, original end)
_Piece = tuple[str, int, int]

_DASHES = frozenset("‐‑‒–—―−－﹣⁃")
_CHOON = "ー"
# 幺 is how Chinese speakers read 1 in a phone number (so that it is not heard as 七).
_KANJI_DIGITS = {"〇": "0", "零": "0", "幺": "1", "一": "1", "二": "2", "三": "3", "四": "4",
                 "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Spoken digits as a counter clerk hears a phone or card number read out (katakana forms;
# hiragana is folded to katakana before lookup). Longest first so that キュー wins over ク.
_SPOKEN = sorted({
    "ゼロ": "0", "レイ": "0", "マル": "0", "イチ": "1", "ニー": "2", "ニ": "2", "サン": "3",
    "ヨン": "4", "シ": "4", "ゴー": "5", "ゴ": "5", "ロク": "6", "ナナ": "7", "シチ": "7",
    "ハチ": "8", "キュウ": "9", "キュー": "9", "ク": "9",
}.items(), key=lambda item: -len(item[0]))
# A run of fewer spoken digits is far more likely an ordinary word (イチゴ, サンゴ).
_MIN_SPOKEN_KATAKANA = 3
_MIN_SPOKEN_HIRAGANA = 4
_MIN_SPOKEN_NEAR_DIGITS = 2
# Spaces, の (090の1234) and 、 separate digit groups in speech; ASCII commas do not (1,000円).
_DIGIT_JOINERS = frozenset(" \tのノ、")
# Hesitations a recogniser writes between the groups of a number read out (090 えー 1234).
_FILLERS = ("えーと", "えっと", "えー", "ええと", "あのー", "あの", "まあ", "uh", "um", "so",
            "嗯", "呃", "那个", "어", "음", "그", "ờ", "ừm")
_GROUP_MARK = "ノ"


@dataclass(frozen=True)
class NormalizedText:
    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of `text` to the original characters it covers."""
        if end <= start:
            return self.starts[start] if start < len(self.starts) else len(self.original), (
                self.starts[start] if start < len(self.starts) else len(self.original))
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> NormalizedText:
    pieces = _nfkc(text)
    pieces = _latin_spoken_digits(pieces)
    pieces = _kanji_digits(pieces)
    pieces = _spoken_digits(pieces, near_digits=False)
    pieces = _spoken_digits(pieces, near_digits=True)
    pieces = _hangul_digits(pieces)
    pieces = _dashes(pieces)
    pieces = _join_digit_groups(pieces)
    return NormalizedText(
        original=text,
        text="".join(p[0] for p in pieces),
        starts=tuple(p[1] for p in pieces),
        ends=tuple(p[2] for p in pieces),
    )


def _nfkc(text: str) -> list[_Piece]:
    # Per character, so each output char keeps its source; full-width digits/letters and the
    # ideographic space become ASCII here.
    out: list[_Piece] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char):
            out.append((folded, index, index + 1))
    return out


# Digits read out in English and Vietnamese ("zero nine zero, one two three four", "không
# chín không ..."). Each is also an ordinary word (one, ba, năm), so only a run of three or more,
# spaced, is a number; a comma, "dash" or a hesitation between them ends a group.
_LATIN_DIGITS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "không": "0", "một": "1", "hai": "2", "ba": "3", "bốn": "4", "năm": "5", "sáu": "6",
    "bảy": "7", "tám": "8", "chín": "9",
}
_LATIN_WORD = "|".join(sorted(_LATIN_DIGITS, key=len, reverse=True))
_LATIN_GROUP_BREAK = (r"(?:\s*(?:,|\.\.\.|…)\s*(?:(?:um|uh|er|ờ|ừm|à),?\s+)?"
                      r"|\s+(?:dash|hyphen|um|uh|er|ờ|ừm)\s+|\s*-\s*)")
# "double oh", "triple five": the digit said two or three times
_LATIN_DIGIT = rf"(?:(?:double|triple)\s+)?(?:{_LATIN_WORD})"
_LATIN_RUN = re.compile(
    rf"(?<![\w-]){_LATIN_DIGIT}(?:(?:{_LATIN_GROUP_BREAK}|\s+){_LATIN_DIGIT})+(?![\w-])",
    re.IGNORECASE)
_LATIN_TOKEN = re.compile(rf"(?:(double|triple)\s+)?({_LATIN_WORD})|({_LATIN_GROUP_BREAK})|\s+",
                          re.IGNORECASE)
_REPEAT = {"double": 2, "triple": 3}
_MIN_LATIN_DIGITS = 3


def _latin_spoken_digits(pieces: list[_Piece]) -> list[_Piece]:
    """`zero eight zero, five two six four` → `080-5264`: the spaces inside a group go, a
    comma, "dash" or hesitation becomes `-`."""
    text = "".join(p[0] for p in pieces)
    out: list[_Piece] = []
    done = 0
    for run in _LATIN_RUN.finditer(text):
        tokens = [(m.start(), m.end(), m.group(2), m.group(3),
                   _REPEAT.get((m.group(1) or "").lower(), 1))
                  for m in _LATIN_TOKEN.finditer(text, run.start(), run.end())]
        words = [t for t in tokens if t[2]]
        # "năm" opening a four-digit year read out is the word "year" (năm một chín chín năm)
        if len(words) == 5 and words[0][2].lower() == "năm":
            tokens = tokens[next(i for i, t in enumerate(tokens) if t is words[1]):]
            words = words[1:]
        if sum(t[4] for t in words) < _MIN_LATIN_DIGITS:
            continue
        out.extend(pieces[done:tokens[0][0]])
        for start, end, word, group_break, times in tokens:
            if word:
                for _ in range(times):
                    out.append((_LATIN_DIGITS[word.lower()], pieces[start][1], pieces[end - 1][2]))
            elif group_break:
                out.append(("-", pieces[start][1], pieces[end - 1][2]))
        done = tokens[-1][1]
    out.extend(pieces[done:])
    return out


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _kanji_digits(pieces: list[_Piece]) -> list[_Piece]:
    """`〇九〇` → `090`. A lone kanji numeral (三番窓口) stays unless it touches a digit."""
    out = list(pieces)
    i = 0
    while i < len(out):
        if out[i][0] not in _KANJI_DIGITS:
            i += 1
            continue
        j = i
        while j < len(out) and out[j][0] in _KANJI_DIGITS:
            j += 1
        touches = (i > 0 and _is_digit(out[i - 1][0])) or (j < len(out) and _is_digit(out[j][0]))
        if j - i >= 2 or touches:
            for k in range(i, j):
                char, start, end = out[k]
                out[k] = (_KANJI_DIGITS[char], start, end)
        i = j
    return out


def _to_katakana(char: str) -> str:
    code = ord(char)
    return chr(code + 0x60) if 0x3041 <= code <= 0x3096 else char


def _spoken_digits(pieces: list[_Piece], *, near_digits: bool) -> list[_Piece]:
    """`ゼロキューゼロ` / `ぜろきゅうぜろいち` → digits. A katakana run must be a whole word (not
    inside ゴーストなど); hiragana runs need more digits since particles border them (しごく),
    except, on the second pass, a short group beside digits already found (ぜろきゅうぜろの1234).
    """
    folded = "".join(_to_katakana(p[0]) for p in pieces)
    out: list[_Piece] = []
    i = 0
    while i < len(pieces):
        hiragana = _is_hiragana(pieces[i][0])
        tokens = _spoken_run(pieces, folded, i, whole_word=not hiragana)
        minimum = _MIN_SPOKEN_HIRAGANA if hiragana else _MIN_SPOKEN_KATAKANA
        if near_digits and _beside_digits(pieces, i, sum(t[0] for t in tokens)):
            # a short group beside digits already found: ゼロサン、2705-0151
            minimum = _MIN_SPOKEN_KATAKANA if hiragana else _MIN_SPOKEN_NEAR_DIGITS
        previous = pieces[i - 1][0] if i else ""
        starts_word = hiragana or not _is_kana(previous) or previous in "ノの"
        if len(tokens) >= minimum and starts_word:
            for length, digit in tokens:
                out.append((digit, pieces[i][1], pieces[i + length - 1][2]))
                i += length
            continue
        out.append(pieces[i])
        i += 1
    return out


def _is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u3096"


def _is_kana(char: str) -> bool:
    return "\u30a1" <= char <= "\u30fa"


def _beside_digits(pieces: list[_Piece], start: int, length: int) -> bool:
    end = start + length
    after = "".join(p[0] for p in pieces[end:end + 2])
    before = "".join(p[0] for p in pieces[max(0, start - 2):start])
    return (len(after) == 2 and after[0] in _DIGIT_JOINERS and _is_digit(after[1])) or (
        len(before) == 2 and before[1] in _DIGIT_JOINERS and _is_digit(before[0]))


def _spoken_run(
    pieces: list[_Piece], folded: str, start: int, *, whole_word: bool,
) -> list[tuple[int, str]]:
    tokens: list[tuple[int, str]] = []
    i = start
    while i < len(folded):
        for word, digit in _SPOKEN:
            if folded.startswith(word, i):
                tokens.append((len(word), digit))
                i += len(word)
                break
        else:
            break
    # A run that stops in the middle of a katakana word is a word, not a number (ゴーストなど).
    if whole_word and i < len(folded) and _is_kana(pieces[i][0]) and folded[i] != _GROUP_MARK:
        return []
    return tokens


_HANGUL_DIGITS = {"공": "0", "영": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5",
                  "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
# A number read out in Sino-Korean digits: words made only of digit syllables, seven or more
# in all (one such word alone is too often a real word: 이사, 오일, 사이), between them a space,
# a dash, the particle 에 (공구공에 일이삼사에 ...) or a hesitation (음, 어, 그). The particle
# or copula after the last group (입니다, 예요) is not part of it.
_MIN_HANGUL_DIGITS = 7
_HANGUL_GROUP = "[공영일이삼사오육륙칠팔구]{2,4}"
_HANGUL_BREAK = r"(?:에?,?\s+(?:(?:음|어|그|저),?\s+)?|\s?-\s?)"
_HANGUL_RUN = re.compile(rf"(?<![가-힣]){_HANGUL_GROUP}(?:{_HANGUL_BREAK}{_HANGUL_GROUP})+")


def _hangul_digits(pieces: list[_Piece]) -> list[_Piece]:
    """`공구공 일이삼사 오육칠팔` → `090 1234 5678`; `공구공에 일이삼사` → `090  1234`."""
    text = "".join(p[0] for p in pieces)
    out = list(pieces)
    for match in _HANGUL_RUN.finditer(text):
        if sum(c in _HANGUL_DIGITS for c in match.group()) < _MIN_HANGUL_DIGITS:
            continue
        for k in range(match.start(), match.end()):
            char, start, end = out[k]
            if char in _HANGUL_DIGITS:
                out[k] = (_HANGUL_DIGITS[char], start, end)
            elif char in "에,":
                out[k] = (" ", start, end)
    return out


def _dashes(pieces: list[_Piece]) -> list[_Piece]:
    out: list[_Piece] = []
    for index, (char, start, end) in enumerate(pieces):
        if char in _DASHES:
            char = "-"
        elif char == _CHOON:
            # ー is the katakana long-vowel mark; only between digits is it a dash (090ー1234).
            before = index > 0 and _is_digit(pieces[index - 1][0])
            after = index + 1 < len(pieces) and _is_digit(pieces[index + 1][0])
            if before and after:
                char = "-"
        out.append((char, start, end))
    return out


def _join_digit_groups(pieces: list[_Piece]) -> list[_Piece]:
    """`090 1234 5678` / `090の1234の5678` / `090 えー 1234` → `090-1234-5678`: speech splits
    numbers in groups, sometimes with a hesitation between them."""
    text = "".join(p[0] for p in pieces)
    out: list[_Piece] = []
    i = 0
    while i < len(pieces):
        if out and _is_digit(out[-1][0]) and (gap := _group_gap(text, i)):
            out.append(("-", pieces[i][1], pieces[i + gap - 1][2]))
            i += gap
            continue
        out.append(pieces[i])
        i += 1
    return out


def _group_gap(text: str, start: int) -> int:
    """Length of the separator at `start` between two digit groups (0: none): one or two
    joiners, a comma that is not a thousands separator, or a filler word with spaces around
    it."""
    if text.startswith(",", start) and (gap := _comma_gap(text, start)):
        return gap
    j = start
    while j < len(text) and text[j] in _DIGIT_JOINERS and j - start < 2:
        j += 1
    if j > start and j < len(text) and _is_digit(text[j]):
        return j - start
    for filler in _FILLERS:
        k = start
        while k < len(text) and text[k] in " \t、,":
            k += 1
        if text.startswith(filler, k):
            k += len(filler)
            while k < len(text) and text[k] in " \t、,":
                k += 1
            if k < len(text) and _is_digit(text[k]) and k - start <= len(filler) + 4:
                return k - start
    return 0


def _comma_gap(text: str, start: int) -> int:
    """`070，0933，1699` (a Chinese comma between the groups read out) joins; `1,000` and
    `12,345` (thousands), `1, 2` (a list) and `May 29, 2007` do not."""
    j = start + 1 + text.startswith(" ", start + 1)
    before = start
    while before > 0 and _is_digit(text[before - 1]):
        before -= 1
    after = j
    while after < len(text) and _is_digit(text[after]):
        after += 1
    previous, following = text[before:start], text[j:after]
    if len(following) < 2 or not (len(previous) >= 3 or previous.startswith("0")):
        return 0
    thousands = len(following) == 3 and not previous.startswith("0")
    return 0 if thousands else j - start
