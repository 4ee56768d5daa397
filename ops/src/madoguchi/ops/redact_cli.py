"""`madoguchi redact`: the redaction detector from outside, one JSON line at a time.

Operators redact an incident report or a complaint before sharing it; evaluators score the
detector with their own data. The same `Detector` as the redaction worker and the log
scrubber. Input lines: `{"text": ..., "language": "ja"}`; output lines:
`{"text": <redacted>, "findings": [{"type", "start", "end", "score"}]}` with offsets in code
points of the input text. A bad line gets `{"error": ...}` (never its content) and the rest
go on; the exit code is 1 when any line was bad.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from madoguchi.ops.jsonlines import run_lines


def redact_lines(source: IO[str], sink: IO[str]) -> int:
    from madoguchi.redaction.detector import Detector

    detector = Detector()

    def parse(record: Any) -> tuple[str, str | None]:
        text, language = record["text"], record.get("language")
        if not isinstance(text, str) or not (language is None or isinstance(language, str)):
            raise TypeError
        return text, language

    def answer(parsed: tuple[str, str | None]) -> dict[str, Any]:
        result = detector.redact(*parsed)
        return {"text": result.text, "findings": [
            {"type": f.entity_type, "start": f.start, "end": f.end, "score": round(f.score, 3)}
            for f in result.findings]}

    return run_lines(source, sink, parse, answer,
                     "a JSON object with a string `text` and an optional string `language`")


def main() -> None:
    raise SystemExit(redact_lines(sys.stdin, sys.stdout))
