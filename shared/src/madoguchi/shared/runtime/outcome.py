"""What a handler returns: the events to publish, or a typed refusal — never a side effect.

A handler is `async def handle(event, context) -> Outcome`. It does not publish, acknowledge
or choose event ids: the runtime (`runtime.consumer`) publishes `Outcome.events` with ids
derived from the input event, then runs `Outcome.after` (idempotent clean-ups such as deleting
the audio object), then acknowledges. A redelivery therefore republishes the same
`Nats-Msg-Id`s and JetStream's duplicate window drops the copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from madoguchi.shared.contracts import Event

E = TypeVar("E", bound=Event)
AfterPublish = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Refusal:
    """The event can never be processed (bad input, unsupported pair ...).

    `reason_code` is a token and `reason` a short text; neither may contain personal data.
    `dead_letter=False` is for refusals that are an expected answer (no model installed): the
    `failed` event tells the tablet, and no copy of the content is kept anywhere.
    """

    reason_code: str
    reason: str
    dead_letter: bool = True


@dataclass(frozen=True)
class Outcome:
    events: tuple[Event, ...] = ()
    refusal: Refusal | None = None
    after: tuple[AfterPublish, ...] = ()

    @classmethod
    def publish(cls, *events: Event, after: Sequence[AfterPublish] = ()) -> Outcome:
        return cls(events=tuple(events), after=tuple(after))

    @classmethod
    def refuse(cls, reason_code: str, reason: str, *events: Event, dead_letter: bool = True,
               after: Sequence[AfterPublish] = ()) -> Outcome:
        return cls(events=tuple(events), refusal=Refusal(reason_code, reason, dead_letter),
                   after=tuple(after))

    def but_refused(self, refusal: Refusal) -> Outcome:
        return Outcome(self.events, refusal, self.after)


NOTHING = Outcome()


@dataclass(frozen=True)
class Context:
    """What the runtime knows about this delivery; handlers read it, never the raw message."""

    service: str
    subject: str
    deliveries: int
    max_deliver: int

    @property
    def last_attempt(self) -> bool:
        return self.deliveries >= self.max_deliver


Handler = Callable[[E, Context], Awaitable[Outcome]]
GiveUp = Callable[[E, Context], Outcome]


@dataclass(frozen=True)
class Stage(Generic[E]):
    """A service's consuming half, handed to `runtime.run()`.

    `concurrency` is how many events are in the handler at once (the pull requests ask for no
    more). `exhausted` names the events to publish when the runtime gives up on an event after
    its last attempt (the tablet must hear about it: an `UtteranceFailed`). `drop_after_close`:
    a conversation stage publishes nothing for a session that was closed meanwhile (its
    `after` clean-ups still run); the audit stage keeps everything.
    """

    event_type: Any
    handle: Handler[E]
    concurrency: int = 1
    exhausted: GiveUp[E] | None = None
    drop_after_close: bool = False


def derived_event_id(source_event_id: str, key: str) -> str:
    """The one way an output's id is made: same input, same output, same `Nats-Msg-Id`."""
    return hashlib.sha256(f"{source_event_id}/{key}".encode()).hexdigest()[:32]


def with_derived_ids(source: Event, events: Sequence[Event]) -> list[Event]:
    """Give each output its derived id; repeats of one key are numbered in order."""
    seen: dict[str, int] = {}
    out = []
    for event in events:
        key = event.derivation_key()
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(event.model_copy(update={
            "event_id": derived_event_id(source.event_id, key if n == 0 else f"{key}#{n}")}))
    return out
