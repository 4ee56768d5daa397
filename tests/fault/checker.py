"""A Jepsen-style checker: every id a client saw accepted must be delivered exactly once.

    lost        = accepted - delivered
    duplicated  = ids delivered more than once
    unexpected  = delivered - accepted (something nobody asked for)

"delivered" is what a downstream consumer reads from the stream (or what landed in PostgreSQL),
so JetStream's duplicate window doing its job counts as "delivered once" — exactly what the
next service sees. Time to recover is measured from the fault to the moment the last accepted
id was delivered. Each scenario appends one row to the report the suite writes at the end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nats.js.client import JetStreamContext

REPORT_ENV = "MADOGUCHI_FAULT_REPORT"
DEFAULT_REPORT = Path(__file__).parents[2] / "test-artifacts" / "fault-report.md"


@dataclass
class History:
    scenario: str
    accepted: set[str] = field(default_factory=set)
    rejected_retryable: int = 0  # a client got a retryable error: nothing was promised
    delivered: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    fault_at: float | None = None
    recovered_at: float | None = None
    note: str = ""

    def accept(self, ids: Iterable[str]) -> None:
        self.accepted.update(ids)

    def fault(self) -> None:
        self.fault_at = time.monotonic()

    def observe(self, ids: Iterable[str]) -> None:
        """Replace the delivered view with a fresh full read (reads are idempotent)."""
        self.delivered = Counter(ids)
        if self.fault_at is not None and self.recovered_at is None and not self.lost:
            self.recovered_at = time.monotonic()

    @property
    def lost(self) -> set[str]:
        return self.accepted - set(self.delivered)

    @property
    def duplicated(self) -> set[str]:
        return {key for key, count in self.delivered.items() if count > 1}

    @property
    def unexpected(self) -> set[str]:
        return set(self.delivered) - self.accepted

    @property
    def time_to_recover(self) -> float | None:
        if self.fault_at is None or self.recovered_at is None:
            return None
        return self.recovered_at - self.fault_at

    def row(self) -> dict[str, object]:
        ttr = self.time_to_recover
        return {
            "scenario": self.scenario, "accepted": len(self.accepted),
            "retryable_errors": self.rejected_retryable,
            "delivered": sum(self.delivered.values()), "lost": len(self.lost),
            "duplicated": len(self.duplicated), "unexpected": len(self.unexpected),
            "time_to_recover_s": None if ttr is None else round(ttr, 2), "note": self.note,
        }

    def check(self) -> None:
        """The verdict; the row is recorded whatever it says."""
        assert self.accepted, "nothing was accepted: the scenario proved nothing"
        assert not self.lost, f"{self.scenario}: lost {sorted(self.lost)[:10]}"
        assert not self.duplicated, f"{self.scenario}: duplicated {sorted(self.duplicated)[:10]}"
        assert not self.unexpected, f"{self.scenario}: unexpected {sorted(self.unexpected)[:10]}"


COLUMNS = ("scenario", "accepted", "retryable_errors", "delivered", "lost", "duplicated",
           "unexpected", "time_to_recover_s", "note")


def render_table(rows: list[dict[str, object]]) -> str:
    def cell(value: object) -> str:
        return "-" if value is None or value == "" else str(value)

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(row[c]) for c in COLUMNS) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_report(rows: list[dict[str, object]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Fault suite results\n\n" + render_table(rows))
    path.with_suffix(".json").write_text(json.dumps(rows, indent=2))


async def read_subject(js: JetStreamContext, stream: str, subject: str) -> list[bytes]:
    """Every message now stored under `subject`: their payloads."""
    from madoguchi.testing.collect import read_stored

    return [msg.data for msg in await read_stored(js, stream, subject)]


def field_of(raw: bytes, name: str) -> str:
    body = json.loads(raw)
    value = body.get(name) or body.get("attributes", {}).get(name)
    return str(value)


async def settle(history: History, read: Callable[[], Awaitable[list[str]]], *,
                 timeout: float, quiet: float = 1.5) -> History:
    """Poll until every accepted id is delivered (or `timeout`), then wait `quiet` seconds more
    and read again, so a late redelivery still shows up as a duplicate."""
    deadline = time.monotonic() + timeout
    while True:
        history.observe(await read())
        if not history.lost or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(quiet)
    history.observe(await read())
    return history


async def shorten_ack_wait(js: JetStreamContext, service: str, seconds: float) -> None:
    """A topology variant for tests: after a SIGKILL, in-flight messages come back only when
    their ack wait expires (JetStream cannot tell that a pull client died), so the production
    ack waits (30-120 s) would dominate the suite's run time. Same consumer, shorter wait."""
    from dataclasses import replace

    from madoguchi.shared.streams import consumer_for

    spec = consumer_for(service)
    await js.add_consumer(spec.stream, replace(spec.config(), ack_wait=seconds))
