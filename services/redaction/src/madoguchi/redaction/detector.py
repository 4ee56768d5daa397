"""Find and replace personal data: normalise → Presidio analyzer → map spans back → merge
overlaps → Presidio anonymizer (typed placeholders such as `<MY_NUMBER>`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import metadata

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from madoguchi.redaction.address import JapaneseAddressRecognizer
from madoguchi.redaction.contact import (
    EmailRecognizer,
    ForeignPhoneRecognizer,
    JapanesePhoneRecognizer,
    PostalCodeRecognizer,
)
from madoguchi.redaction.dates import DateOfBirthRecognizer
from madoguchi.redaction.identifiers import (
    BankAccountRecognizer,
    MyNumberRecognizer,
    NationalIdRecognizer,
    PassportCodeRecognizer,
    PassportRecognizer,
    ResidenceCardRecognizer,
)
from madoguchi.redaction.nlp import (
    PIPELINES,
    SUPPORTED_LANGUAGES,
    CounterNlpEngine,
    analysis_language,
    pipeline_versions,
)
from madoguchi.redaction.normalize import NormalizedText, normalize
from madoguchi.redaction.person import (
    NerPersonRecognizer,
    SpokenNameRecognizer,
    SurnameRecognizer,
)
from madoguchi.redaction.recognizer_base import FLAGS

RULES_VERSION = "2026.12.4"
SCORE_THRESHOLD = 0.4
_RECOGNIZERS = (
    MyNumberRecognizer, ResidenceCardRecognizer, PassportRecognizer, PassportCodeRecognizer,
    BankAccountRecognizer,
    NationalIdRecognizer, JapanesePhoneRecognizer, ForeignPhoneRecognizer, EmailRecognizer,
    PostalCodeRecognizer, JapaneseAddressRecognizer, DateOfBirthRecognizer, SpokenNameRecognizer,
)


@dataclass(frozen=True)
class Finding:
    entity_type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Redaction:
    text: str
    findings: tuple[Finding, ...]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.entity_type] = counts.get(finding.entity_type, 0) + 1
        return counts


def build_recognizers(language: str) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [cls(language) for cls in _RECOGNIZERS]
    if language in PIPELINES:
        recognizers.append(NerPersonRecognizer(language))
    if language == "ja":
        recognizers.append(SurnameRecognizer(language))
    return recognizers


class Detector:
    def __init__(self) -> None:
        # Quiet Presidio's own INFO/DEBUG logs: they are not ours to vet for content.
        for name in ("presidio-analyzer", "presidio-anonymizer"):
            logging.getLogger(name).setLevel(logging.WARNING)
        registry = RecognizerRegistry(supported_languages=list(SUPPORTED_LANGUAGES))
        for language in SUPPORTED_LANGUAGES:
            for recognizer in build_recognizers(language):
                registry.add_recognizer(recognizer)
        engine = CounterNlpEngine()
        engine.load()
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=engine, supported_languages=list(SUPPORTED_LANGUAGES),
            default_score_threshold=SCORE_THRESHOLD,
        )
        self.anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        self.version = (
            f"madoguchi-redaction/{metadata.version('madoguchi-redaction')} rules/{RULES_VERSION} "
            f"presidio/{metadata.version('presidio-analyzer')} {pipeline_versions()}"
        )

    def find(self, text: str, language: str | None) -> tuple[Finding, ...]:
        if not text:
            return ()
        normalized = normalize(text)
        results = self.analyzer.analyze(
            normalized.text, language=analysis_language(language), regex_flags=FLAGS,
        )
        findings = []
        for result in results:
            start, end = normalized.to_original(result.start, result.end)
            findings.append(Finding(result.entity_type, start, end, result.score))
        return merge_overlaps(findings + _long_numbers(normalized, findings))

    def redact(self, text: str, language: str | None) -> Redaction:
        findings = self.find(text, language)
        if not findings:
            return Redaction(text, ())
        results = [RecognizerResult(f.entity_type, f.start, f.end, f.score) for f in findings]
        anonymized = self.anonymizer.anonymize(
            text=text, analyzer_results=results,  # type: ignore[arg-type]
            operators={"DEFAULT": OperatorConfig("replace")},  # `<ENTITY_TYPE>`
        )
        return Redaction(anonymized.text, findings)


# Fail-safe: a run of 7+ digits (after spoken and kanji numerals are normalised; groups may be
# joined by '-') that no recognizer claimed is masked anyway. Over-masking an audit record
# costs little; a leak into the append-only trail is permanent.
_LONG_NUMBER = re.compile(r"(?<![\d])\d(?:-?\d){6,}(?![\d])")
FAIL_SAFE_ENTITY = "NUMBER"


def _long_numbers(normalized: NormalizedText, found: list[Finding]) -> list[Finding]:
    extra = []
    for match in _LONG_NUMBER.finditer(normalized.text):
        start, end = normalized.to_original(match.start(), match.end())
        if not any(f.start <= start and end <= f.end for f in found):
            extra.append(Finding(FAIL_SAFE_ENTITY, start, end, SCORE_THRESHOLD))
    return extra


def merge_overlaps(findings: list[Finding]) -> tuple[Finding, ...]:
    """Overlapping spans become one span covering both: a partial overlap left to the
    anonymizer's conflict rules could leave characters unmasked. A span inside another takes
    the outer one's type (横浜市旭区戸島, read as a name by the NER, is part of the address it
    sits in); a partial overlap is typed by the higher score."""
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            inside = finding.end <= last.end
            best = last if inside or last.score >= finding.score else finding
            merged[-1] = Finding(best.entity_type, last.start, max(last.end, finding.end),
                                 max(last.score, finding.score))
        else:
            merged.append(finding)
    return tuple(merged)
