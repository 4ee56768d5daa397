"""The canonical encoding of an audit row and its hash-chain link.

Canonical JSON (JCS-like): keys sorted, no insignificant whitespace, UTF-8, no NaN/Infinity.
`row_hash = sha256(canonical(row without row_hash))`, where the row includes `seq` and the
previous row's hash, so altering, deleting or reordering any row breaks every later link.
The Merkle leaf of a row is its `row_hash`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from madoguchi.audit.sealing import seal
from madoguchi.shared.contracts import AuditEvent, RedactedContent

GENESIS = bytes(32)
"""`prev_hash` of row 1."""

StoredEvent = AuditEvent | RedactedContent


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def timestamp(value: datetime) -> str:
    """Microsecond UTC ISO-8601: what PostgreSQL's timestamptz keeps, so it round-trips."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Row:
    """One audit row as stored; every column except row_hash is covered by row_hash."""

    seq: int
    event_id: str
    event_type: str
    subject: str
    occurred_at: datetime
    recorded_at: datetime
    kind: str | None
    action: str | None
    outcome: str | None
    service: str | None
    session_id: str | None
    device_id: str | None
    staff_id: str | None
    auditor_id: str | None
    payload: str
    prev_hash: bytes

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "event_id": self.event_id, "event_type": self.event_type,
            "subject": self.subject, "occurred_at": timestamp(self.occurred_at),
            "recorded_at": timestamp(self.recorded_at), "kind": self.kind,
            "action": self.action, "outcome": self.outcome, "service": self.service,
            "session_id": self.session_id, "device_id": self.device_id,
            "staff_id": self.staff_id, "auditor_id": self.auditor_id,
            "payload": self.payload, "prev_hash": self.prev_hash.hex(),
        }

    def compute_hash(self) -> bytes:
        return hashlib.sha256(canonical_json(self.hashed_fields())).digest()


COLUMNS = (
    "seq", "event_id", "event_type", "subject", "occurred_at", "recorded_at", "kind", "action",
    "outcome", "service", "session_id", "device_id", "staff_id", "auditor_id", "payload",
    "prev_hash",
)


def row_for(event: StoredEvent, *, seq: int, prev_hash: bytes, recorded_at: datetime,
            content_key: bytes | None = None) -> Row:
    """The row an event becomes; indexed columns are copied out of the event. Content is
    stored sealed under its session's key (`sealing`), never in the clear."""
    dumped = event.model_dump(mode="json")
    if isinstance(event, RedactedContent):
        if content_key is None:
            raise ValueError("conversation content must be sealed: no data key given")
        dumped = seal(dumped, content_key)
    payload = canonical_json(dumped).decode("utf-8")
    common: dict[str, Any] = {
        "seq": seq, "event_id": event.event_id, "event_type": type(event).schema_name(),
        "subject": event.subject(), "occurred_at": event.occurred_at, "recorded_at": recorded_at,
        "session_id": event.session_id, "payload": payload, "prev_hash": prev_hash,
    }
    if isinstance(event, AuditEvent):
        return Row(**common, kind=event.kind, action=event.action, outcome=event.outcome,
                   service=event.actor.service, device_id=event.actor.device_id,
                   staff_id=event.actor.staff_id, auditor_id=event.actor.auditor_id)
    return Row(**common, kind="content", action=f"redacted.{event.source_event}",
               outcome="info", service="redaction", device_id=None, staff_id=None,
               auditor_id=None)
