"""Structured logs. Only allow-listed `extra` keys are emitted: a stray `extra={"text": ...}`
cannot leak conversation content, and message arguments are never interpolated into JSON logs
from untrusted fields (use ids and counts)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace

from madoguchi.shared.scrubber import scrub, scrub_value

SAFE_EXTRA_KEYS = frozenset({
    "event_id", "session_id", "utterance_id", "device_id", "staff_id", "counter_id", "service",
    "subject_kind", "reason_code", "error", "delivery", "duration_ms", "status", "stage",
    "model_id", "language", "count", "port", "url", "component",
})
_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        for key, value in vars(record).items():
            if key in _STANDARD:
                continue
            entry[key if key in SAFE_EXTRA_KEYS else f"dropped.{key}"] = (
                scrub_value(value) if key in SAFE_EXTRA_KEYS else "<not-logged>"
            )
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: exception messages may echo personal data from their input.
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("nats").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
