"""Sealed content (crypto-shredding) and the aggregation of refused sign-ins, as pure units."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from madoguchi.audit.login_failures import FailedLogins
from madoguchi.audit.sealing import Shredded, is_sealed, new_data_key, seal, unseal

pytestmark = pytest.mark.fast

PAYLOAD = {"event_id": "e1", "session_id": "s1", "utterance_id": "u1",
           "fields": {"target_text": "山田さんの電話は<PHONE>です"}, "entities": {"PHONE": 1}}


def test_sealed_fields_are_unreadable_without_the_key_and_bound_to_their_row() -> None:
    key = new_data_key()
    sealed = seal(PAYLOAD, key)
    assert is_sealed(sealed) and sealed["fields"] == {}
    assert "山田" not in str(sealed) and sealed["entities"] == {"PHONE": 1}  # metadata stays
    assert unseal(sealed, key) == PAYLOAD
    with pytest.raises(Shredded):
        unseal(sealed, None)
    with pytest.raises(Shredded):  # sealed under another key (destroyed): shredded, not tampered
        unseal(sealed, new_data_key())
    with pytest.raises(InvalidTag):  # moved onto another event: the associated data differs
        unseal(sealed | {"event_id": "e2"}, key)
    box = dict(sealed["sealed_fields"])
    box["ciphertext"] = box["ciphertext"][:-4] + ("AAAA" if box["ciphertext"][-4:] != "AAAA"
                                                  else "BBBB")
    with pytest.raises(InvalidTag):
        unseal(sealed | {"sealed_fields": box}, key)


async def test_refused_sign_ins_are_bounded_per_account_and_window() -> None:
    rows: list[tuple[str | None, str, dict[str, object]]] = []
    now = [0.0]

    async def record(account: str | None, action: str, outcome: str,
                     attributes: dict[str, object]) -> None:
        assert outcome == "denied"
        rows.append((account, action, attributes))

    failed = FailedLogins(record, window_s=60, clock=lambda: now[0])
    for _ in range(500):  # junk names all count as one "unknown" account
        await failed.refused(None, "auditor.login_failed")
    for _ in range(3):
        await failed.refused("alice", "auditor.login_failed")
    assert rows == [(None, "auditor.login_failed", {"aggregated": False}),
                    ("alice", "auditor.login_failed", {"aggregated": False})]
    now[0] = 61.0
    await failed.flush()
    assert rows[2:] == [
        (None, "auditor.login_failed.summary",
         {"aggregated": True, "count": 499, "window_s": 60, "account": "unknown"}),
        ("alice", "auditor.login_failed.summary",
         {"aggregated": True, "count": 2, "window_s": 60, "account": "alice"})]
    await failed.refused("alice", "auditor.login_failed")  # a new window: recorded at once
    assert rows[-1] == ("alice", "auditor.login_failed", {"aggregated": False})


def test_only_the_audit_service_certifies_a_shredding() -> None:
    """Ingest owns `erasure` certificates over NATS, but not the trail's own shredding."""
    from madoguchi.audit.sender import sender_problem
    from madoguchi.shared.contracts import AuditActor, AuditEvent

    forged = AuditEvent(session_id="s1", kind="erasure", action="content.shredded",
                        outcome="success", actor=AuditActor(service="ingest"))
    assert sender_problem(forged, forged.subject()) == "reserved_kind"
    erased = forged.model_copy(update={"action": "session.erased"})
    assert sender_problem(erased, erased.subject()) is None
