"""Events as ingest would have started them, for tests that play a stage's upstream."""

from __future__ import annotations

from datetime import UTC, datetime

from madoguchi.shared.contracts import Origin


def origin_for(session_id: str, utterance_id: str, *, staff_language: str = "ja",
               visitor_language: str | None = "en", counter_id: str = "counter-1",
               device_id: str = "tablet-1", staff_id: str = "staff-1",
               received_at: datetime | None = None) -> Origin:
    return Origin(session_id=session_id, utterance_id=utterance_id, counter_id=counter_id,
                  device_id=device_id, staff_id=staff_id,
                  received_at=received_at or datetime.now(UTC),
                  staff_language=staff_language, visitor_language=visitor_language)
