"""Streams, buckets and durable consumers: defined once here, applied idempotently.

`madoguchi streams apply` and the test harness both call `apply_topology`; services only bind to
what exists (their NATS users are not allowed to create or change streams).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    KeyValueConfig,
    ObjectStoreConfig,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.client import JetStreamContext
from nats.js.errors import BucketNotFoundError, NotFoundError

from madoguchi.shared.capabilities import CAPABILITIES_BUCKET, CAPABILITIES_TTL
from madoguchi.shared.contracts import (
    TextSubmitted,
    UtteranceReceived,
    UtteranceTranscribed,
    UtteranceTranslated,
)


def speech_key(session_id: str, utterance_id: str) -> str:
    """One speech object per utterance: a redelivery finds it instead of synthesising again,
    and closing the session knows every key from the utterance ids alone."""
    return f"{session_id}-{utterance_id}"


log = logging.getLogger(__name__)

CONVERSATION = "CONVERSATION"
AUDIT = "AUDIT"
DEADLETTER = "DEADLETTER"
AUDIO_BUCKET = "audio"
CREDENTIALS_BUCKET = "credentials"
IDEMPOTENCY_BUCKET = "idempotency"
SESSIONS_BUCKET = "sessions"
LOCKOUT_BUCKET = "lockouts"
"""Failed sign-ins and lock-outs, apart from the credentials so that ingest may only read those."""
DEVICE_KEYS_BUCKET = "device_keys"
"""Enrolled tablets' public keys (key = device id): written by ingest at enrolment, deleted by
the operator CLI when it issues a new code."""
USED_CHALLENGES_BUCKET = "used_challenges"
"""Sign-in challenges already answered (key = nonce): a replayed signature is refused."""
CLOSED_BUCKET = "closed_sessions"
"""Tombstones of closed sessions (key = session id, no value): a stage whose work was in flight
at the close drops its results instead of publishing them after the purge."""

SPEECH_BUCKET = "speech"
"""Synthesised translations (WAV), key `<session>-<utterance>`: written by synthesis only,
served and erased by ingest. Apart from the uploads so that synthesis can never touch those."""

CONVERSATION_SUBJECTS = ["mg.v1.session.>", "mg.v1.utterance.>", "mg.v1.text.>"]
AUDIT_SUBJECTS = ["mg.v1.audit.>"]
DEADLETTER_SUBJECTS = ["mg.v1.deadletter.>"]


@dataclass(frozen=True)
class Retention:
    """Knobs an operator may turn; everything else about the topology is fixed by design."""

    conversation_max_age: timedelta = timedelta(hours=1)
    deadletter_max_age: timedelta = timedelta(hours=24)
    audit_max_age: timedelta | None = None  # None: keep for ever (the ward decides when to archive)
    duplicate_window: timedelta = timedelta(minutes=2)
    replicas: int = 1
    credentials_history: int = 5


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer owned by one service."""

    service: str
    stream: str
    filter_subjects: tuple[str, ...]
    ack_wait: timedelta = timedelta(seconds=30)
    max_deliver: int = 5
    """Attempts before a failing event is dead-lettered (by the runtime's `StageConsumer`)."""
    server_max_deliver: int | None = None
    """JetStream's own limit (None: `max_deliver`; -1: unlimited, for services whose outages are
    retried without limit — see `messaging.DependencyUnavailable`)."""
    max_ack_pending: int = 256
    backoff: tuple[timedelta, ...] = field(default=())

    @property
    def durable(self) -> str:
        return self.service

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait.total_seconds(),
            max_deliver=(self.max_deliver if self.server_max_deliver is None
                         else self.server_max_deliver),
            max_ack_pending=self.max_ack_pending,
            filter_subjects=list(self.filter_subjects),
            backoff=[b.total_seconds() for b in self.backoff] or None,
        )


CONSUMERS: tuple[ConsumerSpec, ...] = (
    ConsumerSpec(
        service="recognition",
        stream=CONVERSATION,
        filter_subjects=(UtteranceReceived.subject_filter(),),
        # Whisper on a CPU can take a while for a 60 s clip; do not redeliver mid-work.
        ack_wait=timedelta(seconds=120),
        max_deliver=3,
        max_ack_pending=16,
    ),
    ConsumerSpec(
        service="translation",
        stream=CONVERSATION,
        filter_subjects=(UtteranceTranscribed.subject_filter(), TextSubmitted.subject_filter()),
        ack_wait=timedelta(seconds=60),
    ),
    ConsumerSpec(
        service="redaction",
        stream=CONVERSATION,
        filter_subjects=(
            UtteranceTranscribed.subject_filter(), TextSubmitted.subject_filter(),
            UtteranceTranslated.subject_filter(),
        ),
    ),
    ConsumerSpec(
        service="synthesis",
        stream=CONVERSATION,
        filter_subjects=(UtteranceTranslated.subject_filter(),),
        # A long translation takes a few seconds of CPU; a redelivery finds the object stored.
        ack_wait=timedelta(seconds=60),
        max_deliver=3,
        max_ack_pending=64,
    ),
    ConsumerSpec(
        service="audit",
        stream=AUDIT,
        filter_subjects=tuple(AUDIT_SUBJECTS),
        max_ack_pending=1024,
        # A database outage must delay audit events, never drop them (tests/fault).
        server_max_deliver=-1,
    ),
)


def consumer_for(service: str) -> ConsumerSpec:
    for spec in CONSUMERS:
        if spec.service == service:
            return spec
    raise KeyError(f"no durable consumer is defined for service {service!r}")


def stream_configs(retention: Retention) -> list[StreamConfig]:
    dup = retention.duplicate_window.total_seconds()
    return [
        StreamConfig(
            name=CONVERSATION,
            description="Raw conversation content (personal data): short-lived, purged per session",
            subjects=CONVERSATION_SUBJECTS,
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=retention.conversation_max_age.total_seconds(),
            duplicate_window=dup,
            num_replicas=retention.replicas,
            discard=DiscardPolicy.OLD,
            deny_delete=False,  # closing a session must be able to purge its subjects
            deny_purge=False,
            allow_direct=False,  # no side door around consumer permissions
        ),
        StreamConfig(
            name=AUDIT,
            description="Metadata and redacted content only; append-only",
            subjects=AUDIT_SUBJECTS,
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=retention.audit_max_age.total_seconds() if retention.audit_max_age else 0,
            duplicate_window=dup,
            num_replicas=retention.replicas,
            discard=DiscardPolicy.NEW,  # never silently drop old audit events
            deny_delete=True,
            deny_purge=True,
            allow_direct=False,
        ),
        StreamConfig(
            name=DEADLETTER,
            description="Events a service gave up on, with the reason (may hold personal data)",
            subjects=DEADLETTER_SUBJECTS,
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            max_age=retention.deadletter_max_age.total_seconds(),
            duplicate_window=dup,
            num_replicas=retention.replicas,
            allow_direct=False,
        ),
    ]


def _differs(current: StreamConfig, wanted: StreamConfig) -> bool:
    keys = (
        "subjects", "max_age", "duplicate_window", "deny_delete", "deny_purge", "discard",
        "description", "num_replicas", "allow_direct",
    )
    return any(getattr(current, k) != getattr(wanted, k) for k in keys)


async def apply_topology(js: JetStreamContext, retention: Retention | None = None) -> list[str]:
    """Create or update every stream, bucket and consumer. Returns what changed."""
    retention = retention or Retention()
    changes: list[str] = []
    for wanted in stream_configs(retention):
        assert wanted.name is not None
        try:
            info = await js.stream_info(wanted.name)
        except NotFoundError:
            await js.add_stream(wanted)
            changes.append(f"stream {wanted.name} created")
            continue
        if _differs(info.config, wanted):
            await js.update_stream(wanted)
            changes.append(f"stream {wanted.name} updated")
    for spec in CONSUMERS:
        try:
            current = await js.consumer_info(spec.stream, spec.durable)
        except NotFoundError:
            current = None
        await js.add_consumer(spec.stream, spec.config())
        if current is None:
            changes.append(f"consumer {spec.stream}/{spec.durable} created")
    changes += await _apply_buckets(js, retention)
    for change in changes:
        log.info("topology: %s", change)
    return changes


async def _apply_buckets(js: JetStreamContext, retention: Retention) -> list[str]:
    changes = []
    for bucket, description in (
        (AUDIO_BUCKET, "Utterance audio until recognised (personal data)"),
        (SPEECH_BUCKET, "Synthesised translations until the session closes (personal data)"),
    ):
        try:
            await js.object_store(bucket)
        except (BucketNotFoundError, NotFoundError):
            await js.create_object_store(bucket, config=ObjectStoreConfig(
                bucket=bucket, description=description,
                ttl=retention.conversation_max_age.total_seconds(),
                storage=StorageType.FILE, replicas=retention.replicas))
            changes.append(f"object store {bucket} created")
    for bucket, ttl, history, description in (
        (CREDENTIALS_BUCKET, None, retention.credentials_history, "Device/staff credential hashes"),
        (IDEMPOTENCY_BUCKET, retention.duplicate_window * 30, 1, "Idempotency-Key -> utterance"),
        # Open-session state (device, staff, languages) so ingest restarts lose nothing; it
        # expires with the conversation data it describes.
        (SESSIONS_BUCKET, retention.conversation_max_age, 1, "Ingest session state"),
        # Outlives any event of the session still in flight: none is older than max_age.
        (CLOSED_BUCKET, retention.conversation_max_age, 1, "Closed sessions (tombstones)"),
        (LOCKOUT_BUCKET, timedelta(days=1), 1, "Failed sign-ins and lock-outs"),
        (DEVICE_KEYS_BUCKET, None, 1, "Enrolled tablets' public keys"),
        # Outlives every challenge (they expire in 2 minutes): a replay always finds its nonce.
        (USED_CHALLENGES_BUCKET, timedelta(minutes=10), 1, "Answered sign-in challenges"),
        # No personal data: what each stage can do now (madoguchi.shared.capabilities).
        (CAPABILITIES_BUCKET, CAPABILITIES_TTL, 1, "Stage capabilities (translation model)"),
    ):
        try:
            await js.key_value(bucket)
        except (BucketNotFoundError, NotFoundError):
            await js.create_key_value(
                config=KeyValueConfig(
                    bucket=bucket,
                    description=description,
                    history=history,
                    ttl=ttl.total_seconds() if ttl else None,
                    storage=StorageType.FILE,
                    replicas=retention.replicas,
                )
            )
            changes.append(f"key-value bucket {bucket} created")
    return changes
