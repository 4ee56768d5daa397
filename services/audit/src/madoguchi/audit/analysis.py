"""Periodic analysis of the trail (取得したログは、定期的に分析する).

Rules, each producing flags with ids and counts only:
- `off_hours`: utterance/session events outside counter hours (JST, weekdays) per device;
- `login_failure_burst`: ≥ N failed/denied `auth` events within a window, per tablet
  (`device:<id>`), per staff account (`staff:<id>`, across tablets: one account guessed from
  several counters) and per auditor account (`auditor:<id>`);
- `volume_spike`: a device's utterances on a day ≥ factor × its median of the other days, once
  it has a baseline (at least `spike_baseline_days` other days of use: a new install has none);
- `erasure_missing`: a session whose first event is older than retention + grace with no
  `erasure` event within that time, or an erasure that left messages behind.
The report itself is appended to the trail as an AuditEvent (kind `analysis`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from madoguchi.audit.db import AsyncConn
from madoguchi.audit.store import AuditWriter
from madoguchi.shared.contracts import AuditActor, AuditEvent

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Rules:
    open_hour: int = 8
    close_hour: int = 19
    weekdays_only: bool = True
    burst_count: int = 5
    burst_window: timedelta = timedelta(minutes=10)
    spike_factor: float = 5.0
    spike_min_events: int = 20
    spike_baseline_days: int = 3
    retention: timedelta = timedelta(hours=1)
    erasure_grace: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Flag:
    rule: str
    subject: str
    count: int
    detail: str


async def _fetch(conn: AsyncConn, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    cur = await conn.execute(query.encode(), params)
    return list(await cur.fetchall())


async def analyse(conn: AsyncConn, since: datetime, until: datetime, now: datetime,
                  rules: Rules = Rules()) -> list[Flag]:
    flags: list[Flag] = []
    usage = await _fetch(conn, "SELECT occurred_at, coalesce(device_id, '-') FROM audit_events "
                         "WHERE kind IN ('utterance', 'session') AND occurred_at >= %s "
                         "AND occurred_at < %s", (since, until))
    off: dict[str, int] = defaultdict(int)
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for occurred, device in usage:
        local = occurred.astimezone(JST)
        if not rules.open_hour <= local.hour < rules.close_hour or (
                rules.weekdays_only and local.weekday() >= 5):
            off[device] += 1
        per_day[device][local.date().isoformat()] += 1
    flags += [Flag("off_hours", d, n, "events outside counter hours") for d, n in off.items()]
    for device, days in per_day.items():
        for day, count in days.items():
            others = [c for d, c in days.items() if d != day]
            if len(others) < rules.spike_baseline_days:
                continue  # no baseline yet: "usual" is unknown, not zero
            baseline = statistics.median(others)
            if count >= rules.spike_min_events and count >= rules.spike_factor * max(baseline, 1):
                flags.append(Flag("volume_spike", device, count,
                                  f"{day}: {count} vs usual {baseline:g}"))
    failures = await _fetch(
        conn, "SELECT device_id, staff_id, auditor_id, occurred_at "
        "FROM audit_events WHERE kind = 'auth' AND outcome IN ('failure', 'denied') "
        "AND occurred_at >= %s AND occurred_at < %s ORDER BY occurred_at", (since, until))
    by_actor: dict[str, list[datetime]] = defaultdict(list)
    for device, staff, auditor, occurred in failures:
        for kind, who in (("device", device), ("staff", staff), ("auditor", auditor)):
            if who:
                by_actor[f"{kind}:{who}"].append(occurred)
    for actor, times in sorted(by_actor.items()):
        worst = max(sum(1 for t in times[i:] if t - start <= rules.burst_window)
                    for i, start in enumerate(times))
        if worst >= rules.burst_count:
            flags.append(Flag("login_failure_burst", actor, worst,
                              f"{worst} failures within {rules.burst_window}"))
    flags += await _missing_erasures(conn, since, now, rules)
    return flags


async def _missing_erasures(conn: AsyncConn, since: datetime, now: datetime,
                            rules: Rules) -> list[Flag]:
    deadline = rules.retention + rules.erasure_grace
    sessions = await _fetch(
        # the conversation's erasure (`session.erased`), not the trail's own shredding
        conn, "SELECT session_id, min(occurred_at) FILTER (WHERE kind <> 'erasure'), "
        "min(occurred_at) FILTER (WHERE kind = 'erasure' AND action = 'session.erased'), "
        "max((payload::jsonb #>> '{attributes,remaining_messages}')::bigint) "
        "FILTER (WHERE kind = 'erasure' AND jsonb_typeof(payload::jsonb #> "
        "'{attributes,remaining_messages}') = 'number') "
        "FROM audit_events WHERE session_id IS NOT NULL AND occurred_at >= %s "
        "GROUP BY session_id", (since,))
    flags = []
    for session, first, erased, remaining in sessions:
        if first is None:
            continue
        if erased is None and now - first > deadline:
            flags.append(Flag("erasure_missing", session, 0,
                              f"no erasure within {deadline} of the first event"))
        elif erased is not None and erased - first > deadline:
            flags.append(Flag("erasure_missing", session, 0, "erased later than retention"))
        elif remaining:
            flags.append(Flag("erasure_missing", session, int(remaining),
                              "erasure left messages behind"))
    return flags


async def record_report(writer: AuditWriter, flags: list[Flag], since: datetime,
                        until: datetime) -> None:
    counts: dict[str, int] = defaultdict(int)
    for flag in flags:
        counts[flag.rule] += 1
    await writer.append([AuditEvent(
        kind="analysis", action="audit.analyse", outcome="info",
        actor=AuditActor(service="audit"),
        attributes={"since": since.isoformat(), "until": until.isoformat(),
                    "flags": len(flags), **counts},
    )])


def report_json(flags: list[Flag]) -> list[dict[str, Any]]:
    return [asdict(f) for f in flags]
