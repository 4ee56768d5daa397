"""`madoguchi check-translation`: the meaning check from outside, one JSON line at a time.

Translators check phrasebook drafts in bulk; evaluators score the check with their own data.
Input lines: `{"source_language", "source_text", "target_language", "target_text",
"back_translation"}` (back_translation may be null); output lines: `{"ok": bool, "warnings":
[{"kind", "against", "source_value", "target_value"}], "chrf": float|null}`. A bad line gets
`{"line": n, "error": ...}` (never its content) and the rest go on; the exit code is 1 when any
line was bad, 0 otherwise (warnings are findings, not failures).
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

FIELDS = ("source_language", "source_text", "target_language", "target_text")


def check_lines(source: IO[str], sink: IO[str]) -> int:
    from madoguchi.translation.meaning import check
    from madoguchi.translation.meaning.terms import glossary_terms

    terms = glossary_terms()
    bad = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record: Any = json.loads(line)
            values = [record[f] for f in FIELDS]
            back = record.get("back_translation")
            if not all(isinstance(v, str) for v in values) or not (
                    back is None or isinstance(back, str)):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            bad += 1
            sink.write(json.dumps({"line": number, "error": "expected a JSON object with string "
                                   + ", ".join(FIELDS) + " and an optional back_translation"})
                       + "\n")
            continue
        source_language, source_text, target_language, target_text = values
        result = check(source_language, source_text, target_language, target_text, back, terms)
        sink.write(json.dumps({"ok": result.ok, "warnings": [
            {"kind": w.kind, "against": w.against, "source_value": w.source_value,
             "target_value": w.other_value} for w in result.warnings], "chrf": result.chrf},
            ensure_ascii=False) + "\n")
        sink.flush()
    return 1 if bad else 0


def main() -> None:
    raise SystemExit(check_lines(sys.stdin, sys.stdout))
