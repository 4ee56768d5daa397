"""Read queries behind the auditor API (parameterised SQL only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from psycopg import sql

from madoguchi.audit import merkle
from madoguchi.audit.chain import timestamp
from madoguchi.audit.content_keys import is_shredded, key_state
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.ledger import leaf_hashes
from madoguchi.audit.sealing import Shredded, is_sealed, unseal
from madoguchi.audit.verify import load_checkpoints

_EVENT_COLUMNS = ("seq", "event_id", "event_type", "subject", "occurred_at", "recorded_at",
                  "kind", "action", "outcome", "service", "session_id", "device_id",
                  "staff_id", "auditor_id", "payload", "row_hash")


@dataclass(frozen=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    session_id: str | None = None
    device_id: str | None = None
    staff_id: str | None = None
    kind: str | None = None

    def where(self) -> tuple[list[sql.Composable], list[Any]]:
        clauses: list[sql.Composable] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append(sql.SQL("occurred_at >= %s"))
            params.append(self.since)
        if self.until is not None:
            clauses.append(sql.SQL("occurred_at < %s"))
            params.append(self.until)
        for column in ("session_id", "device_id", "staff_id", "kind"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
                params.append(value)
        return clauses, params


def _event_json(record: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(_EVENT_COLUMNS, record, strict=True))
    row["occurred_at"] = timestamp(row["occurred_at"])
    row["recorded_at"] = timestamp(row["recorded_at"])
    row["payload"] = json.loads(row["payload"])
    row["row_hash"] = bytes(row["row_hash"]).hex()
    return row


async def events(conn: AsyncConn, filters: EventFilter, *, after_seq: int,
                 limit: int) -> list[dict[str, Any]]:
    clauses, params = filters.where()
    clauses.append(sql.SQL("seq > %s"))
    params.append(after_seq)
    query = sql.SQL("SELECT {} FROM audit_events WHERE {} ORDER BY seq LIMIT %s").format(
        sql.SQL(", ").join(map(sql.Identifier, _EVENT_COLUMNS)),
        sql.SQL(" AND ").join(clauses))
    cur = await conn.execute(query, [*params, limit])
    return [_event_json(r) for r in await cur.fetchall()]


async def erasures(conn: AsyncConn, since: datetime | None, until: datetime | None,
                   session_id: str | None) -> list[dict[str, Any]]:
    """Erasure certificates (消去報告書) with the signed checkpoint that covers each one and
    the inclusion proof of the certificate's row in that checkpoint."""
    rows = await events(conn, EventFilter(since=since, until=until, session_id=session_id,
                                          kind="erasure"), after_seq=0, limit=10_000)
    checkpoints = await load_checkpoints(conn)
    leaves: list[bytes] = []
    if rows and checkpoints:
        leaves = await leaf_hashes(conn, checkpoints[-1].tree_size)
    result = []
    for row in rows:
        covering = next((c for c in checkpoints if c.tree_size >= row["seq"]), None)
        entry: dict[str, Any] = {"certificate": row, "checkpoint": None, "inclusion_proof": None}
        if covering is not None:
            entry["checkpoint"] = covering.to_json()
            entry["inclusion_proof"] = [p.hex() for p in merkle.inclusion_proof(
                row["seq"] - 1, leaves[: covering.tree_size])]
        result.append(entry)
    return result


# Fragments the templates name ({language}, {counter}, {warned}); the guarded cast means an
# attribute that is not a number never fails the report.
_FRAGMENTS = {
    "language": sql.SQL("coalesce(payload::jsonb #>> '{attributes,language}', 'unknown')"),
    "counter": sql.SQL("coalesce(payload::jsonb #>> '{attributes,counter_id}', 'unknown')"),
    "warned": sql.SQL(
        "CASE WHEN jsonb_typeof(payload::jsonb #> '{attributes,meaning_warnings}') = 'number' "
        "THEN (payload::jsonb #>> '{attributes,meaning_warnings}')::float8 > 0 ELSE false END"),
}

# One `utterance`/`delivered` event per served utterance (translation emits it with the end-to-end
# latency); ingest's `utterance` events (received, text_submitted, rejected) would count twice.
_USAGE_QUERIES: dict[str, str] = {
    "utterances_per_day": "SELECT to_char(occurred_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') "
    "AS key, count(*) FROM audit_events WHERE kind = 'utterance' AND action = 'delivered' "
    "AND {w} GROUP BY 1 ORDER BY 1",
    "utterances_per_language": "SELECT coalesce(payload::jsonb #>> '{{attributes,language}}', "
    "'unknown') AS key, count(*) FROM audit_events WHERE kind = 'utterance' "
    "AND action = 'delivered' AND {w} GROUP BY 1 ORDER BY 1",
    "utterances_per_counter": "SELECT coalesce(payload::jsonb #>> '{{attributes,counter_id}}', "
    "'unknown') AS key, count(*) FROM audit_events WHERE kind = 'utterance' "
    "AND action = 'delivered' AND {w} GROUP BY 1 ORDER BY 1",
    "utterances_per_device": "SELECT coalesce(device_id, 'unknown') AS key, count(*) "
    "FROM audit_events WHERE kind = 'utterance' AND action = 'delivered' AND {w} "
    "GROUP BY 1 ORDER BY 1",
    "failures": "SELECT service || ':' || action AS key, count(*) FROM audit_events "
    "WHERE outcome = 'failure' AND {w} GROUP BY 1 ORDER BY 1",
    # Utterances the meaning check warned about (translation's `delivered` events), and the
    # tablet's taps (ingest's content-free feedback events): how well each language and
    # counter is served, which is what the ward's 誤案内の防止 goal needs to see.
    "meaning_warnings_per_language": "SELECT {language} AS key, count(*) FROM audit_events "
    "WHERE service = 'translation' AND kind = 'utterance' AND action = 'delivered' "
    "AND {warned} AND {w} "
    "GROUP BY 1 ORDER BY 1",
    "meaning_warnings_per_counter": "SELECT {counter} AS key, count(*) FROM audit_events "
    "WHERE service = 'translation' AND kind = 'utterance' AND action = 'delivered' "
    "AND {warned} AND {w} "
    "GROUP BY 1 ORDER BY 1",
    "not_understood_per_language": "SELECT {language} AS key, count(*) FROM audit_events "
    "WHERE service = 'ingest' AND kind = 'utterance' AND action = 'not_understood' AND {w} "
    "GROUP BY 1 ORDER BY 1",
    "not_understood_per_counter": "SELECT {counter} AS key, count(*) FROM audit_events "
    "WHERE service = 'ingest' AND kind = 'utterance' AND action = 'not_understood' AND {w} "
    "GROUP BY 1 ORDER BY 1",
    "held_translations_per_counter": "SELECT {counter} || ':' || action AS key, count(*) "
    "FROM audit_events WHERE service = 'ingest' AND kind = 'utterance' "
    "AND action IN ('confirmed', 'withdrawn') AND {w} GROUP BY 1 ORDER BY 1",
}
_LATENCY = (
    "SELECT service, count(*), "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY (payload::jsonb #>> '{{attributes,latency_ms}}')"
    "::float8), "
    "percentile_cont(0.95) WITHIN GROUP (ORDER BY (payload::jsonb #>> '{{attributes,latency_ms}}')"
    "::float8) FROM audit_events WHERE jsonb_typeof(payload::jsonb #> '{{attributes,latency_ms}}')"
    " = 'number' AND {w} GROUP BY service ORDER BY service"
)


async def usage(conn: AsyncConn, since: datetime | None,
                until: datetime | None) -> dict[str, Any]:
    clauses, params = EventFilter(since=since, until=until).where()
    where = sql.SQL(" AND ").join([*clauses, sql.SQL("TRUE")])
    # Stored and filtered in UTC; days counted as the ward lives them (JST): say both.
    report: dict[str, Any] = {"since": since.isoformat() if since else None,
                              "until": until.isoformat() if until else None,
                              "time_zones": {"timestamps": "UTC",
                                             "days": "Asia/Tokyo (JST, UTC+09:00)"}}
    for name, template in _USAGE_QUERIES.items():
        cur = await conn.execute(sql.SQL(template).format(w=where, **_FRAGMENTS), params)
        report[name] = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
    cur = await conn.execute(sql.SQL(_LATENCY).format(w=where), params)
    report["latency_ms_per_stage"] = {
        str(r[0]): {"count": int(r[1]), "median": float(r[2]), "p95": float(r[3])}
        for r in await cur.fetchall()}
    return report


async def session_content(conn: AsyncConn, session_id: str) -> dict[str, Any] | None:
    """The session's content rows, unsealed. None: no content; raises `Shredded` when rows
    exist but the key is gone. A row that fails authentication (altered ciphertext) raises."""
    cur = await conn.execute(
        "SELECT seq, occurred_at, payload FROM audit_events WHERE kind = 'content' "
        "AND session_id = %s ORDER BY seq", (session_id,))
    rows = await cur.fetchall()
    if not rows:
        return None
    state = await key_state(conn, session_id)
    if await is_shredded(conn, session_id) or (
            state is None and any(is_sealed(json.loads(r[2])) for r in rows)):
        raise Shredded(session_id)
    items = []
    for seq, occurred_at, payload in rows:
        try:
            opened = unseal(json.loads(payload), state.data_key if state else None)
        except Shredded:  # sealed under a key that no longer exists
            items.append({"seq": seq, "error": "shredded"})
            continue
        except InvalidTag:  # altered or moved ciphertext: say so, never guess
            items.append({"seq": seq, "error": "ciphertext failed authentication"})
            continue
        items.append({"seq": seq, "occurred_at": timestamp(occurred_at),
                      "utterance_id": opened["utterance_id"],
                      "source_event": opened["source_event"], "fields": opened["fields"],
                      "entities": opened["entities"],
                      "fully_masked": opened.get("fully_masked", False)})
    return {"session_id": session_id, "content": items,
            "readable_until": timestamp(state.readable_until) if state else None}
