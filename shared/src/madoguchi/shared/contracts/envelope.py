"""The envelope every event shares, and the rules that keep subjects injection-safe."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION_HEADER = "Madoguchi-Schema"

# A subject token must never contain '.', '*', '>' or whitespace: ids end up inside subjects,
# so a hostile id must not be able to widen a subscription or a purge filter.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SessionId = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
Token = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
# BCP-47 language tags as the tablets send them (ja, en, zh-Hans, pt-BR ...).
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


def new_event_id() -> str:
    return uuid.uuid4().hex


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class Contract(BaseModel):
    """Base for every model that crosses a process boundary: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Event(Contract):
    """The envelope. `event_id` travels as `Nats-Msg-Id` so JetStream drops duplicates."""

    SUBJECT: ClassVar[str]
    """Subject template; `{session_id}` and other fields are filled by `subject()`."""

    event_id: Token = Field(default_factory=new_event_id)
    schema_version: int
    session_id: SessionId
    occurred_at: Annotated[AwareDatetime, AfterValidator(_to_utc)] = Field(
        default_factory=_utc_now
    )

    def subject(self) -> str:
        return self.SUBJECT.format(**{name: getattr(self, name) for name in self._subject_fields()})

    @classmethod
    def _subject_fields(cls) -> list[str]:
        import string

        return [name for _, name, _, _ in string.Formatter().parse(cls.SUBJECT) if name]

    @classmethod
    def subject_filter(cls) -> str:
        """The wildcard that matches every subject this event type can be published on."""
        import string

        parts = []
        for literal, name, _, _ in string.Formatter().parse(cls.SUBJECT):
            parts.append(literal)
            if name:
                parts.append("*")
        return "".join(parts)

    def dedupe_id(self) -> str:
        """The `Nats-Msg-Id`: JetStream drops a second message with the same one."""
        return self.event_id

    def derivation_key(self) -> str:
        """What tells this output apart from the other outputs of one input (see
        `runtime.outcome.derived_event_id`)."""
        return type(self).schema_name()

    @classmethod
    def schema_name(cls) -> str:
        version = cls.model_fields["schema_version"].default
        return f"{cls.__name__}.v{version}"
