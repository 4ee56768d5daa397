"""The erasure report (電子データの消去報告書) for a period, as a PDF a ward files.

The document holds every erasure certificate of the period as stored (every hashed column,
so its row hash can be recomputed), the signed checkpoint that covers it and the row's
inclusion proof. The PDF prints it for people and carries the same document as an attached
JSON file for machines: `verify_document` (and `madoguchi audit verify-report`) recomputes
each row hash, checks the inclusion proof against the checkpoint's root and the checkpoint's
signature, with no database and no network.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from madoguchi.audit import merkle
from madoguchi.audit.chain import COLUMNS, Row, canonical_json, timestamp
from madoguchi.audit.checkpoints import Checkpoint
from madoguchi.audit.db import AsyncConn
from madoguchi.audit.ledger import leaf_hashes
from madoguchi.audit.verify import load_checkpoints

JST = ZoneInfo("Asia/Tokyo")
ATTACHMENT = "erasure-report.json"
# TrueType outlines (reportlab embeds and subsets them, with a ToUnicode map so the text can be
# searched and extracted): Debian's fonts-ipaexfont-gothic. Without it, reportlab's built-in
# Japanese CID font, which viewers supply themselves (not embedded).
FONT_FILES = (Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
              Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"))


def period_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Days as the ward counts them (JST), inclusive, as UTC instants."""
    start = datetime.combine(first, time(0), JST)
    end = datetime.combine(last + timedelta(days=1), time(0), JST)
    return start.astimezone(UTC), end.astimezone(UTC)


async def build_document(conn: AsyncConn, first: date, last: date) -> dict[str, Any]:
    since, until = period_bounds(first, last)
    cur = await conn.execute(
        f"SELECT {', '.join(COLUMNS)}, row_hash FROM audit_events WHERE kind = 'erasure' "  # noqa: S608 - fixed column list
        "AND occurred_at >= %s AND occurred_at < %s ORDER BY seq", (since, until))
    rows = await cur.fetchall()
    checkpoints = await load_checkpoints(conn)
    leaves = await leaf_hashes(conn, checkpoints[-1].tree_size) if rows and checkpoints else []
    certificates = []
    for record in rows:
        row = Row(*record[:-1])
        covering = next((c for c in checkpoints if c.tree_size >= row.seq), None)
        certificates.append({
            "row": row.hashed_fields(), "row_hash": bytes(record[-1]).hex(),
            "checkpoint": covering.to_json() if covering else None,
            "inclusion_proof": [p.hex() for p in merkle.inclusion_proof(
                row.seq - 1, leaves[: covering.tree_size])] if covering else None,
        })
    return {"format": "madoguchi-erasure-report/1", "period": {
        "from": first.isoformat(), "to": last.isoformat(), "time_zone": "Asia/Tokyo"},
        "generated_at": timestamp(datetime.now(UTC)), "certificates": certificates}


def verify_document(document: dict[str, Any],
                    trusted_keys: set[bytes] | None = None) -> list[str]:
    """What is wrong with the report's evidence; empty when every certificate checks out."""
    problems = []
    for n, entry in enumerate(document.get("certificates", []), start=1):
        row, where = entry["row"], f"certificate {n} (seq {entry['row'].get('seq')})"
        if hashlib.sha256(canonical_json(row)).hexdigest() != entry["row_hash"]:
            problems.append(f"{where}: its content does not match its row hash")
            continue
        if entry["checkpoint"] is None:
            problems.append(f"{where}: no signed checkpoint covers it yet")
            continue
        checkpoint = Checkpoint.from_json(entry["checkpoint"])
        if not checkpoint.signature_valid():
            problems.append(f"{where}: the checkpoint's signature is invalid")
        elif trusted_keys is not None and checkpoint.public_key not in trusted_keys:
            problems.append(f"{where}: the checkpoint is signed by a key that is not trusted")
        if not merkle.verify_inclusion(
                int(row["seq"]) - 1, checkpoint.tree_size, bytes.fromhex(entry["row_hash"]),
                [bytes.fromhex(p) for p in entry["inclusion_proof"]], checkpoint.root_hash):
            problems.append(f"{where}: not included in the checkpoint's tree")
    return problems


def attached_document(pdf: bytes) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs a warning per defect it works around; a bad file gets one clear error instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        files = PdfReader(io.BytesIO(pdf)).attachments
    except (PyPdfError, ValueError, KeyError) as exc:
        raise ValueError(f"not a readable PDF ({type(exc).__name__})") from None
    if ATTACHMENT not in files:
        raise ValueError(f"no {ATTACHMENT} attached: not a Madoguchi erasure report")
    return dict(json.loads(files[ATTACHMENT][0]))


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont("MadoguchiGothic", str(path)))
            return "MadoguchiGothic"
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


def _jst(value: str) -> str:
    instant = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return f"{instant.astimezone(JST):%Y-%m-%d %H:%M:%S} (JST)"


def render_pdf(document: dict[str, Any], requested_by: str, ward: str = "") -> bytes:
    """The printable report, with `document` attached as JSON."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle("電子データの消去報告書")
    height = A4[1]
    y = height - 20 * mm

    def write(text: str, size: float = 9.5, indent: float = 0) -> None:
        nonlocal y
        if y < 20 * mm:
            pdf.showPage()
            y = height - 20 * mm
        pdf.setFont(font, size)
        pdf.drawString(18 * mm + indent, y, text)
        y -= size * 1.55

    period = document["period"]
    certificates = document["certificates"]
    write("電子データの消去報告書 (Erasure report)", 16)
    write(f"{ward + ' ' if ward else ''}対象期間: {period['from']} 〜 {period['to']} (日本時間)")
    write(f"作成: {_jst(document['generated_at'])}  作成者（監査アカウント）: {requested_by}")
    write(f"消去証明の件数: {len(certificates)}")
    y -= 4
    for n, entry in enumerate(certificates, start=1):
        row = entry["row"]
        attributes = json.loads(row["payload"]).get("attributes", {})
        write(f"{n}. 会話ID {row['session_id'] or '-'}  ({row['action']}, {row['outcome']})",
              10.5)
        write(f"消去日時: {_jst(row['occurred_at'])}  記録番号 (seq): {row['seq']}", indent=6)
        who = attributes.get("reason") or attributes.get("reason_code") or "-"
        write(f"理由: {who}  実行者: {row['service']}"
              f"{' / 端末 ' + row['device_id'] if row['device_id'] else ''}"
              f"{' / 職員 ' + row['staff_id'] if row['staff_id'] else ''}"
              f"{' / 監査 ' + row['auditor_id'] if row['auditor_id'] else ''}", indent=6)
        counts = {k: v for k, v in attributes.items() if isinstance(v, int | float)
                  and not isinstance(v, bool)}
        write("消去した件数: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())),
              8.5, indent=6)
        write(f"行ハッシュ: {entry['row_hash']}", 8, indent=6)
        checkpoint = entry["checkpoint"]
        if checkpoint is None:
            write("署名付きチェックポイント: まだありません（次の署名で含まれます）", 8.5, indent=6)
        else:
            write(f"署名付きチェックポイント: {checkpoint['tree_size']} 行, 署名 "
                  f"{_jst(checkpoint['signed_at'])}, 鍵 {checkpoint['key_id']}", 8.5, indent=6)
            write(f"ルートハッシュ: {checkpoint['root_hash']}", 8, indent=6)
            write(f"署名: {checkpoint['signature'][:64]}…", 8, indent=6)
        y -= 3
    y -= 4
    write("検証の方法 (how to verify, offline)", 11)
    for line in (
            "1. この PDF に添付された erasure-report.json が本報告書のデータです。",
            "2. madoguchi audit verify-report <この PDF> --public-key <公開鍵> で、",
            "   各証明の行ハッシュ、チェックポイントへの包含、",
            "   チェックポイントの署名を検証できます（データベース不要）。",
            "3. 監査記録全体は madoguchi audit verify --checkpoints <エクスポート>",
            "   --public-key <公開鍵> で検証します（公開鍵: 区が保管する署名鍵のもの）。"):
        write(line, 9)
    pdf.save()

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.add_attachment(ATTACHMENT, json.dumps(document, ensure_ascii=False,
                                                 indent=1).encode())
    writer.add_metadata({"/Title": "電子データの消去報告書", "/Subject":
                         f"Madoguchi erasure report {period['from']}..{period['to']}"})
    final = io.BytesIO()
    writer.write(final)
    return final.getvalue()
