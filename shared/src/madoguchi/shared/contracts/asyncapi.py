"""The AsyncAPI 3.0 document of every subject, generated from the code that defines them.

Channels and messages come from the event contracts (`ALL_EVENTS`), who sends what from the
NATS permissions (`madoguchi.shared.permissions`, the allow-lists the server enforces), who
receives what from the durable consumers (`madoguchi.shared.streams.CONSUMERS`) and ingest's
live stream to the tablet. So the document cannot describe a flow the cluster would refuse.
It is committed as `shared/schemas/asyncapi.json`; a test fails on an unreviewed change
(`make schemas` rewrites it): it is the contract for anyone who integrates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from madoguchi.shared.contracts.envelope import SCHEMA_VERSION_HEADER, Event
from madoguchi.shared.contracts.events import (
    ALL_EVENTS,
    UtteranceFailed,
    UtteranceTranscribed,
    UtteranceTranslated,
    personal_fields,
)
from madoguchi.shared.subjects import covers, overlaps

SNAPSHOT = Path(__file__).resolve().parents[4] / "schemas" / "asyncapi.json"
SCHEMA_REF = "#/components/schemas/{model}"
LIVE_TO_TABLET = (UtteranceTranscribed, UtteranceTranslated, UtteranceFailed)
"""Relayed by ingest to the session's tablet over SSE (an ephemeral ordered consumer)."""


def _publishers(event: type[Event]) -> dict[str, list[str]]:
    """Service -> the subjects of this event it may publish (all, or the allowed part)."""
    from madoguchi.shared.permissions import SERVICES, service_permissions

    subject = event.subject_filter()
    out: dict[str, list[str]] = {}
    for service in SERVICES:
        perms = service_permissions(service)
        if any(covers(p, subject) for p in perms.publish_deny):
            continue
        if any(covers(p, subject) for p in perms.publish):
            out[service] = [subject]
        else:
            partial = [p for p in perms.publish if overlaps(p, subject)]
            if partial:
                out[service] = partial
    return out


def _receivers(event: type[Event]) -> list[str]:
    from madoguchi.shared.streams import CONSUMERS

    subject = event.subject_filter()
    out = [spec.service for spec in CONSUMERS
           if any(overlaps(f, subject) for f in spec.filter_subjects)]
    if event in LIVE_TO_TABLET:
        out.append("ingest")
    return out


def _parameters(event: type[Event]) -> dict[str, Any]:
    import string

    names = [name for _, name, _, _ in string.Formatter().parse(event.SUBJECT) if name]
    return {name: {"description": f"subject token `{name}`: [A-Za-z0-9_-]{{1,64}}"
                   + (" (`_` when the event belongs to no session)"
                      if name == "session_token" else "")}
            for name in names}


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event in ALL_EVENTS:
        name = event.__name__
        schema = event.model_json_schema(mode="serialization", ref_template=SCHEMA_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
        personal = sorted(personal_fields(event))
        messages[name] = {
            "name": name, "title": event.schema_name(), "contentType": "application/json",
            "summary": (event.__doc__ or name).strip().split("\n")[0],
            "headers": {"type": "object", "properties": {
                "Nats-Msg-Id": {"type": "string", "description": (
                    "= event_id (deduplication); on audit subjects <sender>.<event_id>")},
                SCHEMA_VERSION_HEADER: {"type": "string", "const": event.schema_name()},
                "traceparent": {"type": "string", "description": "W3C trace context"},
            }},
            "payload": {"$ref": SCHEMA_REF.format(model=name)},
            "x-personal-data-fields": personal,
        }
        channels[name] = {
            "address": event.SUBJECT, "parameters": _parameters(event),
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        for service, subjects in _publishers(event).items():
            operations[f"{service}.send.{name}"] = {
                "action": "send", "channel": {"$ref": f"#/channels/{name}"},
                "x-service": service, "x-subjects": subjects}
        for service in _receivers(event):
            operations[f"{service}.receive.{name}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{name}"},
                "x-service": service}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Madoguchi events", "version": "mg.v1",
            "description": "Every subject the Madoguchi services exchange over NATS JetStream. "
                           "Generated from the contracts, the NATS permissions and the durable "
                           "consumers (madoguchi.shared.contracts.asyncapi).",
        },
        "defaultContentType": "application/json",
        "servers": {"cluster": {"host": "nats:4222", "protocol": "nats",
                                "description": "TLS; one NATS user per service"}},
        "channels": channels,
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def rendered() -> str:
    return json.dumps(document(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write(path: Path = SNAPSHOT) -> None:
    path.write_text(rendered())


def differs(path: Path = SNAPSHOT) -> bool:
    return not path.exists() or path.read_text() != rendered()
