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


class _KnownNoise(logging.Filter):
    """asyncio warns "returning true from eof_received() has no effect when using ssl" each
    time a TLS connection to NATS closes: nats-py's protocol returns True from eof_received,
    which only matters for plain TCP. Harmless, and printed by every command: dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("returning true from eof_received()")


def quiet_known_noise() -> None:
    """Drop the known-harmless lines (services at start-up, the operator CLI at import)."""
    asyncio_log = logging.getLogger("asyncio")
    if not any(isinstance(f, _KnownNoise) for f in asyncio_log.filters):
        asyncio_log.addFilter(_KnownNoise())


def adopt_library_loggers() -> None:
    """Libraries that print through their own handlers (whisperx, Lightning) would mix plain
    text into the JSON stream: their records go through the root's formatter (and its scrubbing)
    instead. Run after the models are loaded, when those libraries have set theirs up."""
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.handlers:
            logger.handlers[:] = []
            logger.propagate = True


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
    quiet_known_noise()
