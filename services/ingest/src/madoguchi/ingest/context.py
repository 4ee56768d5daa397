"""Everything a request handler needs, created once the NATS connection is up."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nats.js.client import JetStreamContext
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore

from madoguchi.ingest.audio_probe import AudioProber
from madoguchi.shared.ratelimit import RateLimiter

if TYPE_CHECKING:
    from madoguchi.ingest.enrolment import ChallengeSigner
    from madoguchi.shared.ratelimit import LoginGuard
from madoguchi.ingest.sessions import SessionStore
from madoguchi.ingest.settings import IngestSettings
from madoguchi.ingest.tokens import TokenSigner
from madoguchi.shared.capabilities import CapabilityReader
from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.shared.contracts.events import AuditAttribute
from madoguchi.shared.messaging import publish_event
from madoguchi.shared.objects import AudioObjects
from madoguchi.shared.phrases import Phrasebook

log = logging.getLogger(__name__)
SERVICE = "ingest"


@dataclass
class IngestContext:
    settings: IngestSettings
    js: JetStreamContext
    credentials: KeyValue
    """Read only: device and staff records (the operator CLI writes them)."""
    lockouts: KeyValue
    idempotency: KeyValue
    sessions: SessionStore
    closed: KeyValue
    """Tombstones of closed sessions (`closed_sessions`), watched by the conversation stages."""
    audio: ObjectStore
    speech: AudioObjects
    """Synthesised translations (written by synthesis): served to the session's own tablet,
    erased at the close."""
    prober: AudioProber
    signer: TokenSigner
    limiter: RateLimiter
    logins: LoginGuard
    phrases: Phrasebook
    capabilities: CapabilityReader
    device_keys: KeyValue
    """Enrolled tablets' public keys (written at enrolment)."""
    used_challenges: KeyValue
    challenges_signer: ChallengeSigner
    """What translation can do now: a full model, or fixed phrases only."""

    async def audit(
        self, kind: str, action: str, outcome: str, *, device_id: str | None = None,
        staff_id: str | None = None, session_id: str | None = None,
        **attributes: AuditAttribute,
    ) -> None:
        """Metadata only: ids, counts, codes. Never text, audio or names."""
        event = AuditEvent(
            kind=kind, action=action, outcome=outcome,
            actor=AuditActor(service=SERVICE, device_id=device_id, staff_id=staff_id),
            session_id=session_id, attributes=attributes,
        )
        await publish_event(self.js, event)
