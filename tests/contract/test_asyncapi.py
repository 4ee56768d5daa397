"""The committed AsyncAPI document is the code's, complete and self-consistent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from madoguchi.shared.contracts import ALL_EVENTS
from madoguchi.shared.contracts.asyncapi import SNAPSHOT, differs, document
from madoguchi.shared.subjects import covers, overlaps

pytestmark = pytest.mark.fast


def test_committed_document_matches_the_code() -> None:
    assert not differs(), "contracts changed: run `make schemas` and review asyncapi.json"


def test_a_change_is_detected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    stale = json.loads(SNAPSHOT.read_text())
    del stale["channels"]["UtteranceFailed"]
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(stale))
    assert differs(path)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [
            r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_reference_resolves_and_every_event_has_a_channel() -> None:
    doc = document()
    for ref in _refs(doc):
        node: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, ref
            node = node[part]
    assert {e.__name__ for e in ALL_EVENTS} == set(doc["channels"])
    for event in ALL_EVENTS:
        assert doc["channels"][event.__name__]["address"] == event.SUBJECT


def test_who_sends_and_receives_follows_the_permissions_and_consumers() -> None:
    ops = document()["operations"]
    assert "recognition.send.UtteranceTranscribed" in ops
    assert "translation.send.UtteranceTranscribed" not in ops
    # Only redaction may put content into the audit trail; audit only reads it.
    senders = {op["x-service"] for op in ops.values()
               if op["channel"]["$ref"].endswith("/RedactedContent") and op["action"] == "send"}
    assert senders == {"redaction"}
    assert "audit.receive.RedactedContent" in ops
    assert "audit.receive.UtteranceTranscribed" not in ops  # the privacy boundary
    assert ops["audit.send.AuditEvent"]["x-subjects"] == [
        "mg.v1.audit.audit.query.*", "mg.v1.audit.audit.analysis.*",
        "mg.v1.audit.audit.checkpoint.*", "mg.v1.audit.audit.security.*"]
    # Each service speaks in the trail under its own name only.
    for name, op in ops.items():
        if op["channel"]["$ref"].endswith("/AuditEvent") and op["action"] == "send":
            assert all(s.startswith(f"mg.v1.audit.{op['x-service']}.")
                       for s in op["x-subjects"]), name


def test_personal_data_fields_are_named() -> None:
    messages = document()["components"]["messages"]
    assert messages["UtteranceTranscribed"]["x-personal-data-fields"] == ["text"]
    assert messages["AuditEvent"]["x-personal-data-fields"] == []


@pytest.mark.parametrize(("pattern", "subjects", "cover", "overlap"), [
    ("mg.v1.audit.*.*.*", "mg.v1.audit.*.*.*", True, True),
    ("mg.v1.audit.redaction.content.*", "mg.v1.audit.*.*.*", False, True),
    ("mg.v1.audit.ingest.*.*", "mg.v1.audit.redaction.content.*", False, False),
    ("mg.v1.>", "mg.v1.audit.*.*.*", True, True),
    ("mg.v1.utterance.*.*", "mg.v1.text.submitted.*", False, False),
    ("mg.v1.audit.*", "mg.v1.audit.*.*", False, False),
])
def test_subject_filters(pattern: str, subjects: str, cover: bool, overlap: bool) -> None:
    assert covers(pattern, subjects) is cover
    assert overlaps(pattern, subjects) is overlap
