"""The meaning check: may this translation have changed what was said?

Three questions for every translated utterance, each a warning when the answer is yes:

1. **Critical values** (values.py): does the translation, or the back-translation, carry a
   number, amount, count, date, time, duration, counter or floor that the source does not (or
   lack one it has)? Values are compared written one way (`amount:300`); a leftover is then
   matched by its number alone among the loose kinds (a count the other side wrote as a plain
   number is the same 2). A lone `1` may vanish ("a copy").
2. **Glossary terms**: a term in the source whose approved rendering is missing from the
   translation, or a term in the translation that the source does not have (転入届 → "moving-out
   notification").
3. **Negation and drift**: a negation on one side only (必要です / not required, 無料 / there is a
   fee: "free" counts as a negation of the fee), and a back-translation whose chrF against the
   source is below a threshold calibrated on the corpus (`make eval`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from madoguchi.translation.meaning.values import Value, extract, language_family

LOOSE_KINDS = frozenset({"number", "count", "counter", "floor"})
DRIFT_CHRF = 18.0
"""Below this chrF (sacrebleu, 0–100) of back-translation against source: a drift warning.
Calibrated on the dev split of services/translation/eval/meaning_corpus.py (docs/translation.md)."""

_NEGATION = {
    "ja": r"ません|ない(?!よう)|なく|ず(?:に|、|。|$)|不要|無料|なし|無し|不可|いりません|"
          r"できません|だめ|"
          r"いいえ|キャッシュレス|ペーパーレス",
    "en": r"\bnot\b|n't\b|\bno\b|\bnever\b|\bwithout\b|\bfree\b|\bnone\b|\bunnecessary\b|"
          r"\bcannot\b|\bcashless\b|\bpaperless\b",
    "zh": r"不|没|無|无|免费|別|别|否",
    "ko": r"안\s|않|없|못|무료|말고|마세요|마십시오|아니",
    "vi": r"\bkhông\b|\bchưa\b|\bchẳng\b|\bđừng\b|miễn phí",
}
_NEGATION_RE = {lang: re.compile(p, re.IGNORECASE) for lang, p in _NEGATION.items()}
# Words that contain a marker but do not negate: 少ない (few), "No. 3", Vietnamese questions
# (..., đúng không? / có ... không?).
# Words that contain a marker but do not negate: 少ない (few), 足りません (missing), "No. 3",
# Vietnamese questions (..., đúng không? / có ... không?).
_CONTRASTED = re.compile(r"少ない|危ない|足りない|足りません|"
                         r"\bno\.\s*\d|\bnotice\b|\bnot only\b|\bkhông\s*[?？]", re.I)


@dataclass(frozen=True)
class Warning:
    kind: str
    """A value kind (amount, date, time ...), `term`, `negation` or `drift`."""
    against: str
    """`translation` or `back_translation`: which text disagrees with the source."""
    source_value: str | None = None
    other_value: str | None = None
    source_span: tuple[int, int] | None = None
    other_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class CheckResult:
    warnings: tuple[Warning, ...] = ()
    chrf: float | None = None

    @property
    def ok(self) -> bool:
        return not self.warnings


@dataclass(frozen=True)
class Terms:
    """Glossary texts per term id and language tag (from the translation glossary)."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def found(self, text: str, language: str) -> dict[str, tuple[int, int]]:
        folded = unicodedata.normalize("NFKC", text).casefold()
        hits: dict[str, tuple[int, int]] = {}
        for term_id, by_language in self.texts.items():
            rendering = by_language.get(language)
            if rendering:
                at = folded.find(unicodedata.normalize("NFKC", rendering).casefold())
                if at >= 0:
                    hits[term_id] = (at, at + len(rendering))
        # A term inside a longer term found at the same place is the longer one (印鑑登録 in
        # 印鑑登録証明書).
        return {t: s for t, s in hits.items()
                if not any(o != t and os <= s[0] and s[1] <= oe and (oe - os) > (s[1] - s[0])
                           for o, (os, oe) in hits.items())}


def negated(text: str, language: str) -> bool:
    lang = language_family(language)
    pattern = _NEGATION_RE.get(lang or "")
    if pattern is None:
        return False
    cleaned = _CONTRASTED.sub(" ", unicodedata.normalize("NFKC", text))
    return bool(pattern.search(cleaned))


def chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics.chrf import CHRF

    return float(CHRF().sentence_score(hypothesis, [reference]).score)


def _exact(value: Value) -> str:
    return value.key


def _loose(value: Value) -> str:
    return f"~{value.value}" if value.kind in LOOSE_KINDS else value.key


def _compare(source: list[Value], other: list[Value], against: str) -> list[Warning]:
    left, right = list(source), list(other)
    for keyed in (_exact, _loose):
        counts = Counter(keyed(v) for v in right)
        unmatched_left = []
        for value in left:
            if counts[keyed(value)] > 0:
                counts[keyed(value)] -= 1
            else:
                unmatched_left.append(value)
        matched_right = Counter(keyed(v) for v in right) - counts
        unmatched_right = []
        for value in right:
            if matched_right[keyed(value)] > 0:
                matched_right[keyed(value)] -= 1
            else:
                unmatched_right.append(value)
        left, right = unmatched_left, unmatched_right
    left = [v for v in left if not (v.kind in LOOSE_KINDS and v.value == "1")]
    right = [v for v in right if not (v.kind in LOOSE_KINDS and v.value == "1")]
    warnings: list[Warning] = []
    for value in left:
        partner = next((r for r in right if r.kind == value.kind), None)
        if partner is not None:
            right.remove(partner)
        warnings.append(Warning(value.kind, against, value.value,
                                partner.value if partner else None, (value.start, value.end),
                                (partner.start, partner.end) if partner else None))
    warnings.extend(Warning(v.kind, against, None, v.value, None, (v.start, v.end))
                    for v in right)
    return warnings


def _terms(terms: Terms, source: str, source_language: str, other: str, other_language: str,
           against: str) -> list[Warning]:
    said = terms.found(source, source_language)
    carried = terms.found(other, other_language)
    warnings = [Warning("term", against, term_id, None, span, None)
                for term_id, span in said.items()
                if term_id not in carried and other_language in terms.texts[term_id]]
    def inside_said(term_id: str) -> bool:  # 印鑑登録 in a translation of 印鑑登録証明書
        own = terms.texts[term_id].get(source_language, "")
        return any(own and own in terms.texts[s].get(source_language, "") for s in said)

    warnings += [Warning("term", against, None, term_id, None, span)
                 for term_id, span in carried.items()
                 if term_id not in said and source_language in terms.texts[term_id]
                 and not inside_said(term_id)]
    return warnings


def check(source_language: str, source_text: str, target_language: str, target_text: str,
          back_translation: str | None, terms: Terms | None = None,
          drift_threshold: float = DRIFT_CHRF) -> CheckResult:
    """Compare source with translation (across languages) and with back-translation (same
    language). Languages outside ja/en/zh/ko/vi get the term and drift checks only."""
    terms = terms or Terms()
    source_values = extract(source_text, source_language)
    warnings: list[Warning] = []
    if language_family(source_language) and language_family(target_language):
        # Values are read in ja/en/zh/ko/vi only: another target would lack them all.
        warnings += _compare(source_values, extract(target_text, target_language), "translation")
    warnings += _terms(terms, source_text, source_language, target_text, target_language,
                       "translation")
    source_negated = negated(source_text, source_language)
    if (language_family(source_language) and language_family(target_language)
            and source_negated != negated(target_text, target_language)):
        warnings.append(Warning("negation", "translation"))
    score = None
    if back_translation:
        warnings += _compare(source_values, extract(back_translation, source_language),
                             "back_translation")
        if language_family(source_language) and source_negated != negated(
                back_translation, source_language):
            warnings.append(Warning("negation", "back_translation"))
        score = round(chrf(back_translation, source_text), 2)
        if score < drift_threshold:
            warnings.append(Warning("drift", "back_translation"))
    return CheckResult(tuple(_spans_checked(_unique(warnings), source_text, target_text,
                                            back_translation)), score)


def _aligned(text: str | None) -> bool:
    """Spans are found in the NFKC, case-folded text: they index the original only when those
    have the same length (full-width digits do; ligatures and ß do not)."""
    return text is not None and len(unicodedata.normalize("NFKC", text).casefold()) == len(text)


def _spans_checked(warnings: list[Warning], source: str, target: str,
                   back: str | None) -> list[Warning]:
    source_ok = _aligned(source)
    other_ok = {"translation": _aligned(target), "back_translation": _aligned(back)}
    return [replace(w, source_span=w.source_span if source_ok else None,
                    other_span=w.other_span if other_ok[w.against] else None) for w in warnings]


def _unique(warnings: Sequence[Warning]) -> list[Warning]:
    seen: set[Warning] = set()
    return [w for w in warnings if not (w in seen or seen.add(w))]  # type: ignore[func-returns-value]
