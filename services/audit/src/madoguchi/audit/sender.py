"""Who may say what in the audit trail.

NATS lets each service publish only under `mg.v1.audit.<its name>.>`, so the subject an event
arrives on names its sender. The audit service stores an event only when the payload agrees
with that subject (the actor's service, the kind, the session) and a reserved kind comes from
its one owner: a compromised service can neither pose as another (`ops` included) nor store
raw text as redacted content, nor forge an erasure certificate.
"""

from __future__ import annotations

from madoguchi.audit.chain import StoredEvent
from madoguchi.shared.contracts import RESERVED_AUDIT_KINDS, AuditActor, AuditEvent, RedactedContent

REJECTED_ACTION = "audit.sender_rejected"
AUDIT_SERVICE_ACTIONS = frozenset({"content.shredded"})


def subject_sender(subject: str) -> str:
    """The service token of an `mg.v1.audit.<service>.…` subject ('' when malformed)."""
    parts = subject.split(".")
    return parts[3] if len(parts) >= 6 and parts[:3] == ["mg", "v1", "audit"] else ""


def sender_problem(event: StoredEvent, subject: str) -> str | None:
    """Why `event`, delivered on `subject`, must not be stored; None when it may."""
    if event.subject() != subject:
        return "sender_mismatch"
    kind = "content" if isinstance(event, RedactedContent) else event.kind
    owner = RESERVED_AUDIT_KINDS.get(kind)
    if owner is not None and owner != subject_sender(subject):
        return "reserved_kind"
    if isinstance(event, AuditEvent) and event.action in AUDIT_SERVICE_ACTIONS:
        return "reserved_kind"  # the audit service writes these itself, never over NATS
    return None


def rejection_record(event: StoredEvent, subject: str, problem: str) -> AuditEvent:
    """The security event that keeps the attempt in the trail: metadata only, never the
    payload (which may be raw text posing as redacted content)."""
    claimed = event.actor.service if isinstance(event, AuditEvent) else "redaction"
    kind = event.kind if isinstance(event, AuditEvent) else "content"
    return AuditEvent(
        session_id=event.session_id, kind="security", action=REJECTED_ACTION, outcome="denied",
        actor=AuditActor(service="audit"),
        attributes={"reason_code": problem, "subject_sender": subject_sender(subject)[:64],
                    "claimed_service": claimed, "claimed_kind": kind,
                    "event_type": type(event).schema_name(),
                    "rejected_event_id": event.event_id},
    )
