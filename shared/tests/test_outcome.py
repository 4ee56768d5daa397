"""Derived output ids: the one scheme every stage uses (fast tier)."""

from __future__ import annotations

import pytest

from madoguchi.shared.contracts import AuditActor, AuditEvent, UtteranceFailed
from madoguchi.shared.runtime.outcome import derived_event_id, with_derived_ids
from madoguchi.testing.events import origin_for

pytestmark = pytest.mark.fast


def _audit(action: str, outcome: str = "success") -> AuditEvent:
    return AuditEvent(session_id="s1", kind="translation", action=action,
                      outcome=outcome, actor=AuditActor(service="translation"))  # type: ignore[arg-type]


def _failed() -> UtteranceFailed:
    return UtteranceFailed(session_id="s1", utterance_id="u1", speaker="staff",
                           origin=origin_for("s1", "u1"), stage="translation",
                           reason_code="no_model")


def test_same_input_same_ids_whatever_the_random_ids_of_the_outputs() -> None:
    source = _failed()
    first = with_derived_ids(source, [_audit("a"), _failed()])
    again = with_derived_ids(source, [_audit("a"), _failed()])
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert first[0].event_id == derived_event_id(source.event_id, first[0].derivation_key())


def test_outputs_of_one_input_never_share_an_id() -> None:
    outputs = with_derived_ids(_failed(), [_audit("a"), _audit("a"), _audit("a", "failure"),
                                           _audit("b"), _failed()])
    assert len({e.event_id for e in outputs}) == 5


def test_another_input_gives_other_ids() -> None:
    one, other = _failed(), _failed()
    assert one.event_id != other.event_id
    assert with_derived_ids(one, [_audit("a")])[0].event_id != \
        with_derived_ids(other, [_audit("a")])[0].event_id
