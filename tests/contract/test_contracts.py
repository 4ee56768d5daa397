"""Contracts: snapshots reviewed, subjects injection-safe, envelopes strict."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from madoguchi.shared.contracts import (
    ALL_EVENTS,
    AuditActor,
    AuditEvent,
    SessionOpened,
    TextSubmitted,
    UtteranceTranscribed,
)
from madoguchi.shared.contracts.events import personal_fields
from madoguchi.shared.contracts.snapshot import diff_against_snapshots, write_snapshots
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.fast


def test_schemas_match_reviewed_snapshots() -> None:
    problems = diff_against_snapshots()
    assert not problems, (
        "event contracts changed without a reviewed snapshot; run `make schemas` and review "
        f"the diff: {problems}"
    )


def test_snapshot_check_detects_a_change(tmp_path) -> None:
    write_snapshots(tmp_path)
    assert diff_against_snapshots(tmp_path) == []
    target = tmp_path / "SessionOpened.v1.json"
    target.write_text(target.read_text().replace("counter_id", "counter"))
    assert diff_against_snapshots(tmp_path) == ["SessionOpened.v1.json: differs from snapshot"]


@pytest.mark.parametrize("hostile", ["a.b", "*", ">", "a b", "", "x" * 65, "s.>"])
def test_ids_cannot_widen_subjects(hostile: str) -> None:
    with pytest.raises(ValidationError):
        SessionOpened(session_id=hostile, counter_id="c", device_id="d", staff_id="s")


def test_subjects_follow_architecture() -> None:
    opened = SessionOpened(session_id="abc", counter_id="c1", device_id="d1", staff_id="s1")
    assert opened.subject() == "mg.v1.session.opened.abc"
    audit = AuditEvent(kind="auth", action="login", outcome="failure",
                       actor=AuditActor(service="ingest"))
    assert audit.subject() == "mg.v1.audit.ingest.auth._"  # the sender is in the subject
    assert UtteranceTranscribed.subject_filter() == "mg.v1.utterance.transcribed.*"
    assert all(e.SUBJECT.startswith("mg.v1.") for e in ALL_EVENTS)


def test_envelope_is_strict_and_frozen() -> None:
    opened = SessionOpened(session_id="abc", counter_id="c1", device_id="d1", staff_id="s1")
    with pytest.raises(ValidationError):
        SessionOpened.model_validate({**opened.model_dump(), "surprise": 1})
    with pytest.raises(ValidationError):
        opened.counter_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):  # naive timestamps are ambiguous across services
        SessionOpened(session_id="a", counter_id="c", device_id="d", staff_id="s",
                      occurred_at=datetime(2026, 1, 1))


def test_timestamps_are_normalised_to_utc() -> None:
    jst = timezone(timedelta(hours=9))
    opened = SessionOpened(session_id="a", counter_id="c", device_id="d", staff_id="s",
                           occurred_at=datetime(2026, 4, 1, 9, 0, tzinfo=jst))
    assert opened.occurred_at.utcoffset() == timedelta(0)
    assert opened.occurred_at.hour == 0


def test_text_submitted_needs_exactly_one_source() -> None:
    base = {"session_id": "a", "utterance_id": "u", "speaker": "staff", "language": "ja",
            "origin": origin_for("a", "u")}
    TextSubmitted(**base, text="こんにちは")
    TextSubmitted(**base, phrase_id="greeting")
    with pytest.raises(ValidationError):
        TextSubmitted(**base)
    with pytest.raises(ValidationError):
        TextSubmitted(**base, text="x", phrase_id="greeting")


def test_personal_fields_are_marked_and_never_in_audit_events() -> None:
    assert personal_fields(UtteranceTranscribed) == {"text"}
    assert personal_fields(AuditEvent) == set()
    for event in ALL_EVENTS:
        if event.SUBJECT.startswith("mg.v1.audit."):
            assert personal_fields(event) == set(), event.__name__
