"""`madoguchi check-translation`: the meaning check from outside, one JSON line at a time.

Translators check phrasebook drafts in bulk; evaluators score the check with their own data.
Input lines: `{"source_language", "source_text", "target_language", "target_text",
"back_translation"}` (back_translation may be null); output lines: `{"ok": bool, "warnings":
[{"kind", "against", "source_value", "target_value"}], "chrf": float|null}`. A bad line gets
`{"line": n, "error": ...}` (never its content) and the rest go on; the exit code is 1 when any
line was bad, 0 otherwise (warnings are findings, not failures).
"""

from __future__ import annotations

import sys
from typing import IO, Any

from madoguchi.ops.jsonlines import run_lines

FIELDS = ("source_language", "source_text", "target_language", "target_text")


def check_lines(source: IO[str], sink: IO[str]) -> int:
    from madoguchi.translation.meaning import check
    from madoguchi.translation.meaning.terms import glossary_terms

    terms = glossary_terms()

    def parse(record: Any) -> tuple[list[str], str | None]:
        values = [record[f] for f in FIELDS]
        back = record.get("back_translation")
        if not all(isinstance(v, str) for v in values) or not (
                back is None or isinstance(back, str)):
            raise TypeError
        return values, back

    def answer(parsed: tuple[list[str], str | None]) -> dict[str, Any]:
        (source_language, source_text, target_language, target_text), back = parsed
        result = check(source_language, source_text, target_language, target_text, back, terms)
        return {"ok": result.ok, "warnings": [
            {"kind": w.kind, "against": w.against, "source_value": w.source_value,
             "target_value": w.other_value} for w in result.warnings], "chrf": result.chrf}

    return run_lines(source, sink, parse, answer, "a JSON object with string "
                     + ", ".join(FIELDS) + " and an optional back_translation")


def main() -> None:
    raise SystemExit(check_lines(sys.stdin, sys.stdout))
