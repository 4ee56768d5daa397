"""Term correction by reading: a span that sounds like a counter term becomes the term.

Whisper writes what it hears with whatever characters fit the sound: 転入届 as 電入届け,
住民票の写し as 10民票のおつし, 世帯主 as せたいぬし. Each span of the transcript (between
Sudachi word boundaries) is read every way it can be read — Sudachi's reading of its words, every
KANJIDIC2 reading of each kanji, kana as written, 10 as ジュウ — and compared with each term's
reading by an edit distance over that lattice (voicing and vowel-length differences cost half).

A span is replaced when it sounds the same as a term of three morae or more, or close enough
(one edit up to seven kana, two beyond, never more than a quarter of the term). A span that is
one dictionary word is replaced only when the dictionary reads it as the term: Whisper chose
that word on purpose, and a family name's kanji read another way can sound like a term. A span
never begins on a particle; a term under six kana must match on its first mora (short terms
are where chance matches lie), a longer one may be misheard there (銀鑑登録).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from madoguchi.recognition.readings import Reader, Token, char_readings, number_reading
from madoguchi.recognition.vocabulary import Term

_SEION = str.maketrans(
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポァィゥェォャュョッ",
    "カキクケコサシスセソタチツテトハヒフヘホハヒフヘホアイウエオヤユヨツ")


@dataclass(frozen=True)
class Correction:
    term_id: str
    start: int
    end: int
    """Where the term now stands in the corrected text."""


@dataclass(frozen=True)
class Corrected:
    text: str
    corrections: tuple[Correction, ...]


@dataclass(frozen=True)
class _Edge:
    start: int
    end: int
    reading: str


@dataclass(frozen=True)
class _Starts:
    """Per position, the first kana (voicing folded) that the text may sound like from there:
    `first` of the readings starting there, `second` their second kana, `next` the first kana
    after a one-kana reading. Built once per text: `_may_start` asks it for every term."""
    first: dict[int, set[str]]
    second: dict[int, set[str]]
    next: dict[int, set[str]]

    @classmethod
    def of(cls, starts_at: dict[int, list[_Edge]]) -> _Starts:
        first: dict[int, set[str]] = {}
        second: dict[int, set[str]] = {}
        for start, edges in starts_at.items():
            folded = [edge.reading.translate(_SEION) for edge in edges]
            first[start] = {heard[:1] for heard in folded if heard}
            second[start] = {heard[1:2] for heard in folded if len(heard) > 1}
        following = {start: set().union(*(first.get(e.end, set()) for e in edges
                                           if len(e.reading) == 1))
                     for start, edges in starts_at.items()}
        return cls(first, second, following)


@dataclass(frozen=True)
class _Candidate:
    term: Term
    start: int
    end: int
    cost: float


Row = tuple[float, ...]
"""One row of the edit distance to a term's reading: the cost of each of its prefixes."""
Memo = dict[tuple[Row, str, str, float], Row]
"""Rows already extended, for one utterance only: its readings are the speaker's words."""


def _extend(row: Row, reading: str, term: str, limit: float, memo: Memo) -> Row:
    """One more heard reading in the edit distance to `term`; a substitution costs half when
    only voicing or a small kana differs (デ for テ, ユ for ュ). The hot loop of correction,
    so it is memoised per utterance: every start begins from the same row, and the beam's
    hypotheses that the rescorer compares share most of their text (five of six steps are
    found in the memo). A row already past `limit` everywhere is returned as it is (costs
    only grow: no cell of it can come back within the limit, and nothing else is read
    from it)."""
    key = (row, reading, term, limit)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _extended(row, reading, term, limit)
    return found


def _extended(row: Row, reading: str, term: str, limit: float) -> Row:
    pairs = tuple(zip(term, term.translate(_SEION), strict=True))
    for heard in reading:
        folded = heard.translate(_SEION)
        left = row[0] + 1.0
        new = [left]
        for j, (wanted, folded_wanted) in enumerate(pairs):
            cost = 0.0 if heard == wanted else 0.5 if folded == folded_wanted else 1.0
            diagonal = row[j] + cost
            up = row[j + 1] + 1.0
            left = left + 1.0
            left = diagonal if diagonal < up and diagonal < left else up if up < left else left
            new.append(left)
        row = tuple(new)
        if min(row) > limit:
            break
    return row


def _allowed_cost(length: int) -> float:
    if length < 4:
        return 0.0
    return min(1.0 if length < 8 else 2.0, length * 0.25)


class TermCorrector:
    def __init__(self, terms: Sequence[Term], reader: Reader) -> None:
        self._reader = reader
        self._terms = [t for t in terms if t.reading]

    def correct(self, text: str) -> Corrected:
        return self.correct_all([text])[0]

    def correct_all(self, texts: Sequence[str]) -> list[Corrected]:
        """Several versions of one utterance (the beam's hypotheses): they share most of
        their sound, so they share one memo of edit-distance rows, dropped afterwards."""
        memo: Memo = {}
        return [self._correct(text, memo) for text in texts]

    def _correct(self, text: str, memo: Memo) -> Corrected:
        tokens = self._reader.tokens(text)
        if not tokens or not self._terms:
            return Corrected(text, ())
        edges = self._edges(text, tokens)
        boundaries = {t.start for t in tokens} | {tokens[-1].end}
        starts_at: dict[int, list[_Edge]] = {}
        for edge in edges:
            starts_at.setdefault(edge.start, []).append(edge)
        exact = [(m.start(), m.end(), t.text) for t in self._terms
                 for m in re.finditer(re.escape(t.text), text)]
        # A term with more morae nowhere in any reading than it may be off by cannot match:
        # most terms are ruled out here, before any edit distance (34 -> 15 ms an utterance).
        heard = {k for edge in edges for k in edge.reading.translate(_SEION)}
        possible = [t for t in self._terms if sum(
            k not in heard for k in (t.reading or "").translate(_SEION)) <= _allowed_cost(
                len(t.reading or ""))]
        starts = _Starts.of(starts_at)
        candidates = [c for term in possible
                      for c in self._matches(term, text, tokens, boundaries, starts_at, starts,
                                             memo)
                      if all(c.end <= s or c.start >= e or (c.start <= s and e <= c.end
                                                            and found in c.term.text)
                             for s, e, found in exact)]
        # Sound covered minus three per edit: 住民票の写し (one edit) beats the 住民票 inside
        # it, 戸籍謄本 (exact) beats 戸籍抄本 (two edits) for こせき等本. Then the shorter span:
        # 私します, not 書を私します (書 may be read カ), becomes お渡しします.
        candidates.sort(key=lambda c: (len(c.term.reading or "") - 3 * c.cost,
                                       c.start - c.end), reverse=True)
        chosen: list[_Candidate] = []
        for candidate in candidates:
            if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
                chosen.append(candidate)
        return self._apply(text, chosen)

    def _edges(self, text: str, tokens: list[Token]) -> list[_Edge]:
        edges: list[_Edge] = []
        for token in tokens:
            number = number_reading(token.surface) if token.oov else None
            if token.reading and not token.oov:
                edges.append(_Edge(token.start, token.end, token.reading))
            if number:
                edges.append(_Edge(token.start, token.end, number))
            for i in range(token.start, token.end):
                readings = char_readings(text[i]) or (text[i],)
                edges.extend(_Edge(i, i + 1, r) for r in readings)
        return edges

    def _matches(self, term: Term, text: str, tokens: list[Token], boundaries: set[int],
                 starts_at: dict[int, list[_Edge]], starts: _Starts,
                 memo: Memo) -> list[_Candidate]:
        wanted = term.reading or ""
        limit = _allowed_cost(len(wanted))
        found: list[_Candidate] = []
        for token in tokens:
            s = token.start
            if token.particle:
                continue
            if not self._may_start(starts, s, wanted):
                continue
            rows: dict[int, Row] = {s: tuple(float(j) for j in range(len(wanted) + 1))}
            horizon = s + len(wanted) + 2
            for position in range(s, min(horizon, len(text))):
                row = rows.get(position)
                if row is None or min(row) > limit:
                    continue
                for edge in starts_at.get(position, ()):
                    if edge.end > horizon:
                        continue
                    extended = _extend(row, edge.reading, wanted, limit, memo)
                    best = rows.get(edge.end)
                    rows[edge.end] = (extended if best is None or best == extended else tuple(
                        min(a, b) for a, b in zip(best, extended, strict=True)))
            best_end, best_cost = None, limit + 1.0
            for end, row in rows.items():
                if end > s and end in boundaries and row[-1] <= limit and row[-1] < best_cost:
                    best_end, best_cost = end, row[-1]
            if best_end is None:
                continue
            span = text[s:best_end]
            if term.text in span or not self._may_replace(tokens, s, best_end, best_cost, wanted,
                                                        term.text):
                continue
            if best_cost == 0 and len(wanted) < 3:
                continue
            found.append(_Candidate(term, s, best_end, best_cost))
        return sorted(found, key=lambda c: c.cost)

    @staticmethod
    def _may_start(starts: _Starts, start: int, wanted: str) -> bool:
        """A span sounds like the term from its first mora on, or (a term of six kana or more)
        from its second, the first misheard or lost (銀鑑登録 for 印鑑登録, 私します for
        お渡しします). Most starts fail here, before any edit distance is computed."""
        first, second = (k.translate(_SEION) for k in wanted[:2])
        empty: set[str] = set()
        if first in starts.first.get(start, empty):
            return True
        return len(wanted) >= 6 and any(second in kana.get(start, empty) for kana in (
            starts.first, starts.second, starts.next))

    @staticmethod
    def _may_replace(tokens: list[Token], start: int, end: int, cost: float,
                     wanted: str, term: str) -> bool:
        """A span of several words (or an unknown one) may become a term that it sounds like;
        one dictionary word only when the dictionary reads it as the term (Whisper chose that
        word: 大里 is オオサト, a family name, though its kanji can also be read ダイリ)."""
        inside = [t for t in tokens if t.start >= start and t.end <= end]
        if "".join(t.surface for t in inside if not t.particle) == term:
            return False  # 郵送で請求 is the term's words as said, with a particle: not 郵送請求
        if len(inside) > 1 or any(t.oov for t in inside):
            return True
        return cost == 0 and all(t.reading == wanted for t in inside)

    @staticmethod
    def _apply(text: str, chosen: list[_Candidate]) -> Corrected:
        out: list[str] = []
        corrections: list[Correction] = []
        cursor = 0
        for candidate in sorted(chosen, key=lambda c: c.start):
            out.append(text[cursor:candidate.start])
            begin = sum(len(part) for part in out)
            out.append(candidate.term.text)
            corrections.append(Correction(candidate.term.id, begin,
                                          begin + len(candidate.term.text)))
            cursor = candidate.end
        out.append(text[cursor:])
        return Corrected("".join(out), tuple(corrections))
