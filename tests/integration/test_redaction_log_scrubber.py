"""The shared log scrubber: a log record with planted identifiers comes out of every service's
JSON formatter scrubbed — in the message, in allow-listed string extras, and nested."""

from __future__ import annotations

import json
import logging

import pytest

from madoguchi.shared.runtime.logs import JsonFormatter
from madoguchi.shared.scrubber import scrub, scrub_attributes

PLANTED = [
    "山田太郎", "東京都新宿区西新宿2-8-1", "090-1234-5678", "０９０１２３４５６７８",
    "1234 5678 9018", "taro.yamada@example.jp", "AB12345678CD", "TK1234567", "〒160-0023",
    "+81 90 1234 5678", "김민수", "王小明",
]


def _format(msg: str, *args: object, **extra: object) -> dict[str, object]:
    record = logging.makeLogRecord({"name": "t", "levelname": "WARNING", "levelno": 30,
                                    "msg": msg, "args": args or None, **extra})
    return json.loads(JsonFormatter("redaction").format(record))  # type: ignore[no-any-return]


def test_planted_identifiers_never_reach_the_log_line() -> None:
    message = "failed on %s"
    entry = _format(message, " / ".join(PLANTED), error=f"ValueError for {PLANTED[0]}",
                    status=PLANTED[2], text=PLANTED[0])
    line = json.dumps(entry, ensure_ascii=False)
    for value in PLANTED:
        assert value not in line, value
    assert entry["dropped.text"] == "<not-logged>"
    assert "<TEXT>" in str(entry["msg"]) and "<NUMBER>" in str(entry["msg"])
    assert entry["error"] == "ValueError for <TEXT>"


@pytest.mark.parametrize("kept", [
    "event 550e8400-e29b-41d4-a716-446655440000 acked",
    "subject mg.v1.utterance.transcribed.s-12345678",
    "http listening on http://127.0.0.1:18081",
    "consumer redaction bound, 3 deliveries, 120 ms",
])
def test_operational_ids_stay_readable(kept: str) -> None:
    assert scrub(kept) == kept


def test_span_attributes_are_scrubbed() -> None:
    attributes = scrub_attributes({"error.message": "bad input 山田太郎, 090-1234-5678",
                                   "count": 3, "items": ["taro@example.jp"]})
    assert attributes == {"error.message": "bad input <TEXT>, <NUMBER>", "count": 3,
                          "items": ["<EMAIL>"]}
