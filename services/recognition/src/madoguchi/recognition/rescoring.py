"""Choosing among Whisper's beam hypotheses with what a counter clerk is likely to say.

Beam search already ends with five hypotheses; the first is not always the best one. On the
eval's dev split the best of the five scored a CER of 0.026 where the first scored 0.045, and
the better ones were sound-alikes the reading cannot tell apart (代理 and 大利, 区役所 and
区役書, 一通300円 and 1,300円). A small character model of counter Japanese tells them apart:
among the hypotheses whose Whisper score is close to the best, the one the model finds most
counter-like wins, scored after term correction (what the service would show).

What it learns: the phrasebook's Japanese, the vocabulary's terms, the shipped counter
sentences (`data/counter_sentences.txt`: 600 lines of what clerks and visitors say at a 戸籍住民課
counter, written by an author who had not read the eval corpus or the phrasebook) and the
ward's own sentences (the vocabulary file's `sentences`).

Pure Python, no model file: some twenty thousand characters, built at start-up in milliseconds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from madoguchi.recognition.correction import Corrected, TermCorrector

SENTENCES_FILE = Path(__file__).parent / "data" / "counter_sentences.txt"
ORDER = 3
WINDOW = 0.05
"""Only hypotheses within this much average log-probability of Whisper's best compete."""
WEIGHT = 0.02
"""The character model's weight against Whisper's average log-probability. WINDOW and
WEIGHT were chosen on the eval's dev split (weights 0.01-0.04 and windows 0.05-0.2 gave about
the same CER; the narrower window corrects fewer hypotheses, each costing some 9 ms)."""

_IGNORED = re.compile(r"[\s、。，,．.？?！!「」]")
_START, _END = "\x02", "\x03"


def _normal(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


class CharacterModel:
    """Interpolated character n-gram model: Witten-Bell weights (a context seen n times with t
    different next characters trusts its own counts n / (n + t)), add-λ unigrams. Chosen on the
    eval's dev split over a fixed n / (n + 2) (staff CER 0.031 -> 0.029): a context seen once,
    like れば in ければ大丈夫, no longer makes 大理 as likely as 代理 after あれば."""

    def __init__(self, texts: Iterable[str], order: int = ORDER) -> None:
        self.order = order
        self._grams: list[Counter[str]] = [Counter() for _ in range(order + 1)]
        self._contexts: list[Counter[str]] = [Counter() for _ in range(order + 1)]
        self._continuations: list[Counter[str]] = [Counter() for _ in range(order + 1)]
        self.texts = 0
        for text in texts:
            self.texts += 1
            padded = _START * (order - 1) + _normal(text) + _END
            for n in range(1, order + 1):
                for i in range(len(padded) - n + 1):
                    gram = padded[i:i + n]
                    self._grams[n][gram] += 1
                    if n > 1:
                        self._contexts[n][gram[:-1]] += 1
        for n in range(2, order + 1):
            for gram in self._grams[n]:
                self._continuations[n][gram[:-1]] += 1
        self._total = sum(self._grams[1].values())
        self._vocabulary = len(self._grams[1]) + 3000  # room for characters never seen

    def logprob(self, text: str) -> float:
        """Natural-log probability of `text` (punctuation and spaces ignored)."""
        padded = _START * (self.order - 1) + _normal(text) + _END
        return sum(math.log(self._probability(padded[max(0, i - self.order + 1):i], padded[i]))
                   for i in range(self.order - 1, len(padded)))

    def _probability(self, history: str, char: str) -> float:
        p = (self._grams[1][char] + 0.1) / (self._total + 0.1 * self._vocabulary)
        for n in range(2, self.order + 1):
            context = history[-(n - 1):]
            seen = self._contexts[n][context]
            if seen:
                trust = seen / (seen + self._continuations[n][context])
                p = trust * self._grams[n][context + char] / seen + (1 - trust) * p
        return p


class Rescorer:
    """Picks one of a chunk's hypotheses (text, Whisper's average log-probability)."""

    def __init__(self, model: CharacterModel, corrector: TermCorrector | None, *,
                 window: float = WINDOW, weight: float = WEIGHT) -> None:
        self._model = model
        self._corrector = corrector
        self._window = window
        self._weight = weight

    def choose(self, hypotheses: Sequence[tuple[str, float]]) -> tuple[int, Corrected | None]:
        """The hypothesis to keep (0, Whisper's own choice, when no other is close) and, when
        hypotheses were compared, its corrected text (of the stripped text: the worker need
        not correct it again)."""
        best = max((score for _, score in hypotheses), default=0.0)
        close = [i for i, (_, score) in enumerate(hypotheses) if score >= best - self._window]
        if len(close) < 2:
            return (close[0] if close else 0), None
        texts = [hypotheses[i][0].strip() for i in close]
        corrected = dict(zip(close, self._correct(texts), strict=True))
        chosen = max(close, key=lambda i: hypotheses[i][1] + self._weight * self._model.logprob(
            corrected[i].text))
        return chosen, corrected[chosen]

    def _correct(self, texts: list[str]) -> list[Corrected]:
        if self._corrector is None:
            return [Corrected(text, ()) for text in texts]
        return self._corrector.correct_all(texts)


def shipped_sentences(path: Path = SENTENCES_FILE) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def counter_texts(terms: Iterable[str], sentences: Iterable[str] = (), *,
                  exclude: Callable[[str], bool] = lambda _: False) -> list[str]:
    """What the character model learns from: the phrasebook's Japanese, the shipped counter
    sentences, the ward's `sentences` and the terms. `exclude` leaves texts out (the eval
    drops those that overlap its own sentences)."""
    from madoguchi.shared.phrases import load_phrasebook

    phrases = [p.texts["ja"] for p in load_phrasebook().phrases if "ja" in p.texts]
    return [text for text in [*phrases, *shipped_sentences(), *sentences, *terms]
            if not exclude(text)]
