"""Per-service NATS permissions, derived from the contracts (who publishes what, who consumes).

These are the enforcement of the privacy boundary: the audit service's user can reach the
AUDIT stream's consumer and nothing of CONVERSATION; recognition cannot publish translations.
The same table renders the local `nats-server` config and the Helm chart's NATS users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from madoguchi.shared.capabilities import CAPABILITIES_BUCKET, TRANSLATION_KEY
from madoguchi.shared.contracts import (
    RESERVED_AUDIT_KINDS,
    DeadLetter,
    RedactedContent,
    SessionClosed,
    SessionErased,
    SessionOpened,
    TextSubmitted,
    UtteranceFailed,
    UtteranceReceived,
    UtteranceSynthesized,
    UtteranceTranscribed,
    UtteranceTranslated,
)
from madoguchi.shared.natsconn import inbox_prefix
from madoguchi.shared.streams import (
    AUDIO_BUCKET,
    CLOSED_BUCKET,
    CONVERSATION,
    CREDENTIALS_BUCKET,
    DEADLETTER,
    DEVICE_KEYS_BUCKET,
    IDEMPOTENCY_BUCKET,
    LOCKOUT_BUCKET,
    SESSIONS_BUCKET,
    SPEECH_BUCKET,
    USED_CHALLENGES_BUCKET,
    consumer_for,
)

SERVICES = ("ingest", "recognition", "translation", "redaction", "synthesis", "audit")
ADMIN = "admin"


@dataclass(frozen=True)
class Permissions:
    publish: list[str] = field(default_factory=list)
    subscribe: list[str] = field(default_factory=list)
    publish_deny: list[str] = field(default_factory=list)

    def as_config(self) -> dict[str, dict[str, list[str]]]:
        publish: dict[str, list[str]] = {"allow": self.publish}
        if self.publish_deny:
            publish["deny"] = self.publish_deny
        return {"publish": publish, "subscribe": {"allow": self.subscribe}}


def _dead_letter(service: str) -> str:
    return DeadLetter.SUBJECT.format(service=service, session_token="*")


def _audit(service: str, kind: str = "*") -> str:
    """A service speaks in the audit trail only under its own name (see `AuditEvent`)."""
    return f"mg.v1.audit.{service}.{kind}.*"


def _pull(service: str) -> list[str]:
    """Bind to an existing durable and pull from it: info, next, ack. Nothing else."""
    spec = consumer_for(service)
    return [
        f"$JS.API.CONSUMER.INFO.{spec.stream}.{spec.durable}",
        f"$JS.API.CONSUMER.MSG.NEXT.{spec.stream}.{spec.durable}",
        f"$JS.ACK.{spec.stream}.{spec.durable}.>",
    ]


def _stream_read(stream: str) -> list[str]:
    """Stream info and single-message gets (by sequence or last per subject)."""
    return [
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
    ]


def _stream_consumers(stream: str) -> list[str]:
    """Create and remove the ephemeral consumers that watch or list a stream."""
    return [f"$JS.API.CONSUMER.CREATE.{stream}.>", f"$JS.API.CONSUMER.DELETE.{stream}.>"]


def _object_store_read(bucket: str) -> list[str]:
    return _stream_read(f"OBJ_{bucket}")


def _object_store_delete_one(bucket: str) -> list[str]:
    """Delete an object message by message (tombstone, then each chunk by sequence): never
    STREAM.PURGE, whose filter is in the request body, so one call could empty the bucket."""
    return [f"$JS.API.STREAM.MSG.DELETE.OBJ_{bucket}", f"$O.{bucket}.M.>"]


def _object_store_write(bucket: str) -> list[str]:
    """Put objects and erase them in bulk (a session's audio at close)."""
    stream = f"OBJ_{bucket}"
    return [*_stream_read(stream), *_stream_consumers(stream), f"$JS.API.STREAM.PURGE.{stream}",
            f"$O.{bucket}.C.>", f"$O.{bucket}.M.>"]


def _object_store_put(bucket: str) -> list[str]:
    """Put new objects (chunks, then metadata) and delete them one by one; no purge, no list."""
    return [*_object_store_read(bucket), f"$O.{bucket}.C.>",
            *_object_store_delete_one(bucket)]


def _kv_read(bucket: str) -> list[str]:
    """Get keys of a bucket; never write, delete or purge them."""
    return _stream_read(f"KV_{bucket}")


def _kv_consumers(bucket: str) -> list[str]:
    """Create and remove the ephemeral consumers that watch or list a bucket."""
    return _stream_consumers(f"KV_{bucket}")


def _kv(bucket: str) -> list[str]:
    """Read, write and list a bucket."""
    return [*_kv_read(bucket), *_kv_consumers(bucket), f"$KV.{bucket}.>"]


def _kv_watch(bucket: str) -> list[str]:
    """Read a bucket by watching it (an ordered consumer): no writes, no direct gets."""
    stream = f"KV_{bucket}"
    return [
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.CONSUMER.CREATE.{stream}",  # unnamed (ephemeral) creation
        *_kv_consumers(bucket),
        f"$JS.FC.{stream}.>",
    ]


def _common(service: str) -> tuple[list[str], list[str]]:
    publish = ["$JS.API.INFO", _dead_letter(service)]
    subscribe = [f"{inbox_prefix(service)}.>"]
    return publish, subscribe


def service_permissions(service: str) -> Permissions:
    publish, subscribe = _common(service)
    match service:
        case "ingest":
            publish += [
                SessionOpened.subject_filter(), SessionClosed.subject_filter(),
                SessionErased.subject_filter(), UtteranceReceived.subject_filter(),
                TextSubmitted.subject_filter(), UtteranceFailed.subject_filter(),
                _audit(service),
                # erasure: purge one session's subjects; live results: ephemeral ordered
                # consumers on CONVERSATION, filtered by the ingest code to one session.
                f"$JS.API.STREAM.INFO.{CONVERSATION}",
                f"$JS.API.STREAM.PURGE.{CONVERSATION}",
                # erasure: a session's dead letters and upload retry records go with it
                f"$JS.API.STREAM.INFO.{DEADLETTER}",
                f"$JS.API.STREAM.PURGE.{DEADLETTER}",
                f"$JS.API.STREAM.PURGE.KV_{IDEMPOTENCY_BUCKET}",
                f"$JS.API.CONSUMER.CREATE.{CONVERSATION}.>",
                f"$JS.API.CONSUMER.CREATE.{CONVERSATION}",  # ephemeral (unnamed) consumers
                f"$JS.API.CONSUMER.DELETE.{CONVERSATION}.>",
                f"$JS.API.CONSUMER.INFO.{CONVERSATION}.>",
                f"$JS.FC.{CONVERSATION}.>",
                *_object_store_write(AUDIO_BUCKET),
                # serve a session's speech to its tablet; erase it at the close (its markers
                # too, by subject: the names hold the session id)
                *_object_store_read(SPEECH_BUCKET), *_object_store_delete_one(SPEECH_BUCKET),
                f"$JS.API.STREAM.PURGE.OBJ_{SPEECH_BUCKET}",
                *_kv_read(CREDENTIALS_BUCKET),  # accounts are the operator CLI's to change
                *_kv(LOCKOUT_BUCKET),
                # enrolment writes a tablet's public key; sign-in burns answered challenges
                *_kv(DEVICE_KEYS_BUCKET),
                *_kv(USED_CHALLENGES_BUCKET),
                *_kv(IDEMPOTENCY_BUCKET),
                *_kv(SESSIONS_BUCKET),
                *_kv(CLOSED_BUCKET),
                *_kv_read(CAPABILITIES_BUCKET),  # what translation can do, for the tablet
                # the idle sweeper lists the open sessions' keys (an ephemeral watcher)
                f"$JS.API.CONSUMER.CREATE.KV_{SESSIONS_BUCKET}",
                f"$JS.API.CONSUMER.INFO.KV_{SESSIONS_BUCKET}.>",
            ]
        case "recognition":
            publish += [
                UtteranceTranscribed.subject_filter(), UtteranceFailed.subject_filter(),
                _audit(service), *_pull(service), *_object_store_read(AUDIO_BUCKET),
                *_object_store_delete_one(AUDIO_BUCKET),
                *_kv_watch(CLOSED_BUCKET),
            ]
        case "translation":
            publish += [
                UtteranceTranslated.subject_filter(), UtteranceFailed.subject_filter(),
                _audit(service), *_pull(service), *_kv_watch(CLOSED_BUCKET),
                # its own capability record only: put, never read or delete others'
                f"$JS.API.STREAM.INFO.KV_{CAPABILITIES_BUCKET}",
                f"$KV.{CAPABILITIES_BUCKET}.{TRANSLATION_KEY}",
            ]
        case "synthesis":
            # Reads translations, writes speech objects into its own bucket (never the
            # uploads'), and says so; no purge: it cannot empty the bucket.
            publish += [
                UtteranceSynthesized.subject_filter(), _audit(service), *_pull(service),
                *_object_store_put(SPEECH_BUCKET), *_kv_watch(CLOSED_BUCKET),
            ]
        case "redaction":
            publish += [RedactedContent.subject_filter(), _audit(service), *_pull(service),
                        *_kv_watch(CLOSED_BUCKET)]
        case "audit":
            # The audit service reads the AUDIT stream and writes its own query/analysis events.
            publish += [
                *(_audit(service, kind) for kind, owner in RESERVED_AUDIT_KINDS.items()
                  if owner == service),
                *_pull(service),
            ]
        case _:
            raise KeyError(f"unknown service {service!r}")
    # Only redaction may speak for conversation content in the audit trail.
    deny = [] if service == "redaction" else [RedactedContent.subject_filter()]
    if service == "ingest":
        deny += _durables_untouchable(CONVERSATION)
    return Permissions(publish=publish, subscribe=subscribe, publish_deny=deny)


def _durables_untouchable(stream: str) -> list[str]:
    """Ingest creates and deletes its own ephemeral consumers on `stream` (live results); it
    must not delete or replace the stages' durable consumers there."""
    from madoguchi.shared.streams import CONSUMERS

    denied = []
    for spec in CONSUMERS:
        if spec.stream != stream:
            continue
        denied += [
            f"$JS.API.CONSUMER.DELETE.{stream}.{spec.durable}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{spec.durable}",
            f"$JS.API.CONSUMER.CREATE.{stream}.{spec.durable}.>",
            f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{spec.durable}",
        ]
    return denied


def admin_permissions() -> Permissions:
    """The operator CLI: manages topology and accounts; never a service identity."""
    return Permissions(publish=[">"], subscribe=[">"])


def all_permissions() -> dict[str, Permissions]:
    table = {service: service_permissions(service) for service in SERVICES}
    table[ADMIN] = admin_permissions()
    return table
