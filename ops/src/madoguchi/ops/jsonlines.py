"""One JSON object in, one out, per line: the loop of the operator's filter commands
(`madoguchi redact`, `madoguchi check-translation`).

A line that does not parse into what the command expects gets `{"line": n, "error": ...}`
(never its content: it may hold personal data) and the rest go on; the exit code is 1 when
any line was bad. Blank lines are skipped; output is flushed line by line so a pipe sees
each answer as it is made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any, TypeVar

Parsed = TypeVar("Parsed")
PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


def run_lines(source: IO[str], sink: IO[str], parse: Callable[[Any], Parsed],
              answer: Callable[[Parsed], dict[str, Any]], expected: str) -> int:
    """`parse` turns a decoded line into the command's input (raising one of PARSE_ERRORS
    when it is not), `answer` turns that into the output object; `expected` says, for a bad
    line, what a line should be."""
    bad = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            parsed = parse(json.loads(line))
        except PARSE_ERRORS:
            bad += 1
            sink.write(json.dumps({"line": number, "error": f"expected {expected}"}) + "\n")
            continue
        sink.write(json.dumps(answer(parsed), ensure_ascii=False) + "\n")
        sink.flush()
    return 1 if bad else 0
