"""`madoguchi redact`: the redaction detector from outside, one JSON line at a time.

Operators redact an incident report or a complaint before sharing it; evaluators score the
detector with their own data. The same `Detector` as the redaction worker and the log
scrubber. Input lines: `{"text": ..., "language": "ja"}`; output lines:
`{"text": <redacted>, "findings": [{"type", "start", "end", "score"}]}` with offsets in code
points of the input text. A bad line gets `{"error": ...}` (never its content) and the rest
go on; the exit code is 1 when any line was bad.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any


def redact_lines(source: IO[str], sink: IO[str]) -> int:
    from madoguchi.redaction.detector import Detector

    detector = Detector()
    bad = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
            text, language = record["text"], record.get("language")
            if not isinstance(text, str) or not (language is None or isinstance(language, str)):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            bad += 1
            sink.write(json.dumps({"line": number, "error": "expected a JSON object with a "
                                   "string `text` and an optional string `language`"}) + "\n")
            continue
        result = detector.redact(text, language)
        sink.write(json.dumps({"text": result.text, "findings": [
            {"type": f.entity_type, "start": f.start, "end": f.end, "score": round(f.score, 3)}
            for f in result.findings]}, ensure_ascii=False) + "\n")
        sink.flush()
    return 1 if bad else 0


def main() -> None:
    raise SystemExit(redact_lines(sys.stdin, sys.stdout))
