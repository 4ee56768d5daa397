"""What the audit service consumes from the AUDIT stream."""

from __future__ import annotations

from typing import Any

from madoguchi.shared.contracts import AuditEvent, RedactedContent

STORED_EVENT: Any = AuditEvent | RedactedContent
