"""The privacy officer's console, in headless Chromium, against a real audit process on a real
PostgreSQL trail: sign in, see this month's usage as charts, filter the trail, open an erasure
certificate, download the month's 消去報告書 (PDF: its text read back with pdftotext, its
attached JSON verified with the project's own verifier), verify the chain (green), then again
after a superuser altered a row (red, naming the row). Screenshots at 1366×768 and on a tablet.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.async_api import async_playwright, expect

from madoguchi.audit import migrate
from madoguchi.audit.accounts import add_auditor
from madoguchi.audit.checkpoints import key_id, public_bytes
from madoguchi.audit.db import connect_app, connect_signer
from madoguchi.audit.erasure_report import attached_document, verify_document
from madoguchi.audit.ledger import create_checkpoint
from madoguchi.audit.store import AuditWriter
from madoguchi.shared.contracts import AuditActor, AuditEvent
from madoguchi.testing.browser import ARTIFACTS, PLAIN_ARGS, PageProblems, shot
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.services import ServiceProcess

pytestmark = pytest.mark.slow
PASSWORD = "privacy officer password"
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 800, "height": 1280}


@dataclass
class Console:
    url: str
    dsn: str
    key: Ed25519PrivateKey


def _seed(now: datetime) -> list[AuditEvent]:
    def delivered(language: str, counter: str, minutes: int, warnings: int = 0) -> AuditEvent:
        return AuditEvent(kind="utterance", action="delivered", outcome="success",
                          session_id="s-aaa", occurred_at=now - timedelta(minutes=minutes),
                          actor=AuditActor(service="translation", device_id="tablet-1"),
                          attributes={"language": language, "counter_id": counter,
                                      "latency_ms": 900 + minutes, "meaning_warnings": warnings})

    events = [delivered(lang, counter, m, warnings=int(m % 4 == 0))
              for m, (lang, counter) in enumerate(
                  [("vi", "koseki-1"), ("vi", "koseki-1"), ("zh-Hans", "koseki-2"),
                   ("en", "koseki-1"), ("ne", "koseki-3"), ("vi", "koseki-2")] * 2, start=1)]
    events.append(AuditEvent(kind="utterance", action="not_understood", outcome="success",
                             session_id="s-aaa", occurred_at=now - timedelta(minutes=3),
                             actor=AuditActor(service="ingest", device_id="tablet-1"),
                             attributes={"language": "vi", "counter_id": "koseki-1",
                                         "by": "visitor"}))
    for session in ("s-aaa", "s-bbb"):
        events.append(AuditEvent(
            kind="erasure", action="session.erased", outcome="success", session_id=session,
            occurred_at=now - timedelta(minutes=1),
            actor=AuditActor(service="ingest", device_id="tablet-1", staff_id="clerk-1"),
            attributes={"reason": "closed_by_staff", "messages_removed": 7,
                        "remaining_messages": 0, "audio_objects": 1}))
    return events


@pytest_asyncio.fixture
async def console(secure_nats: SecureNats, postgres_dsn: str,
                  tmp_path: Path) -> AsyncIterator[Console]:
    key = Ed25519PrivateKey.generate()
    migrate.upgrade(postgres_dsn)
    async with await psycopg.AsyncConnection.connect(postgres_dsn, autocommit=True) as owner:
        await add_auditor(owner, "privacy-officer", PASSWORD, "auditor")
    async with await connect_app(postgres_dsn) as conn:
        await AuditWriter(conn).append(_seed(datetime.now(UTC)))
    async with await connect_signer(postgres_dsn) as conn:
        await create_checkpoint(conn, key)
    process = ServiceProcess("audit", secure_nats.settings_for("audit"), tmp_path / "logs", {
        "DATABASE__DSN": postgres_dsn,
        "CHECKPOINT_PUBLIC_KEY": public_bytes(key.public_key()).hex()})
    try:
        await asyncio.to_thread(process.start, 120)
        yield Console(process.url, postgres_dsn, key)
    finally:
        process.stop()


async def test_a_privacy_officer_checks_the_month_without_a_terminal(
        console: Console, chromium: Path, artifacts: Path, tmp_path: Path) -> None:
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: run `make browser` (installs poppler-utils)",
                    pytrace=False)
    # Before sign-in the app asks who is signed in and hears 401: expected.
    problems = PageProblems(expected=lambda text: "401" in text)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), headless=True,
                                           args=PLAIN_ARGS)
        try:
            context = await browser.new_context(viewport=DESKTOP, locale="ja-JP",
                                                accept_downloads=True)
            page = problems.watch(await context.new_page())
            page.set_default_timeout(20_000)

            # -- no session: the login page; the API refuses without the cookie
            response = await page.goto(f"{console.url}/console/")
            assert response is not None and response.ok
            csp = (await response.all_headers())["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe" not in csp and "http" not in csp
            await expect(page.locator("#login")).to_be_visible()
            await shot(page, "30-console-login-1366x768")
            await page.fill("#auditor_id", "privacy-officer")
            await page.fill("#password", PASSWORD)
            await page.click("#login-form button[type=submit]")

            # -- usage: this month's figures as charts
            await expect(page.locator("#usage")).to_be_visible()
            charts = page.locator("#charts figure")
            await expect(charts).to_have_count(8)
            await expect(charts.nth(1).locator("rect.bar")).to_have_count(4)  # 4 languages
            await expect(charts.nth(1)).to_contain_text("vi")
            await expect(charts.nth(7).locator("rect.bar")).to_have_count(1)  # not understood
            cookies = {c["name"]: c for c in await context.cookies()}
            session_cookie = cookies["mg_console"]
            assert session_cookie["httpOnly"] and session_cookie["sameSite"] == "Strict"
            await shot(page, "31-console-usage-1366x768")

            # -- the trail, filtered
            await page.click("#nav [data-page=events]")
            await page.select_option("#ev-kind", "erasure")
            await page.click("#events-form button[type=submit]")
            await expect(page.locator("#events-table tbody tr")).to_have_count(2)
            await expect(page.locator("#events-table tbody")).to_contain_text("s-bbb")

            # -- an erasure certificate, and the month's report as a PDF
            await page.click("#nav [data-page=erasures]")
            await expect(page.locator("#erasure-list li")).to_have_count(2)
            await page.locator("#erasure-list li[data-session=s-aaa] button").click()
            await expect(page.locator("#certificate")).to_contain_text("s-aaa")
            await expect(page.locator("#certificate")).to_contain_text("closed_by_staff")
            await shot(page, "32-console-certificate-1366x768")
            async with page.expect_download() as download:
                await page.click("#report-pdf")
            pdf_path = tmp_path / "report.pdf"
            await (await download.value).save_as(pdf_path)
            (ARTIFACTS / "erasure-report.pdf").write_bytes(pdf_path.read_bytes())
            text = (await asyncio.to_thread(
                subprocess.run, ["pdftotext", "-layout", str(pdf_path), "-"], check=True,
                capture_output=True, text=True)).stdout
            assert "消去報告書" in text and "s-aaa" in text and "s-bbb" in text
            document = attached_document(pdf_path.read_bytes())
            assert len(document["certificates"]) == 2
            assert verify_document(document, {public_bytes(console.key.public_key())}) == []
            # the attached evidence is what the verifier checks: alter it and it says so
            document["certificates"][0]["row"]["session_id"] = "s-zzz"
            assert verify_document(document)[0].endswith("does not match its row hash")

            # -- the chain: green, then red after a superuser edits a row
            await page.click("#nav [data-page=chain]")
            await page.click("#verify")
            await expect(page.locator("#verdict")).to_have_class("verdict ok")
            # the latest signed checkpoint and its key's fingerprint
            await expect(page.locator("#chain-detail")).to_contain_text(
                key_id(public_bytes(console.key.public_key())))
            await shot(page, "33-console-verified-1366x768")
            with psycopg.connect(console.dsn, autocommit=True) as conn:
                conn.execute("SET session_replication_role = replica")
                conn.execute("UPDATE audit_events SET action = 'opened' WHERE seq = 3")
            await page.click("#verify")
            await expect(page.locator("#verdict")).to_have_class("verdict bad")
            await expect(page.locator("#verdict")).to_contain_text("3")
            await shot(page, "34-console-tampered-1366x768")

            # -- findings, in English, on a tablet
            await page.click("#lang")
            await page.click("#nav [data-page=findings]")
            await expect(page.locator("#findings h2")).to_have_text("Periodic analysis")
            await expect(page.locator("#thresholds")).to_contain_text("burst_count")
            await page.set_viewport_size(TABLET)
            await expect(page.locator("#findings-form button")).to_be_in_viewport()
            await shot(page, "35-console-findings-800x1280")

            # -- a change with the cookie but without the console's header is refused (CSRF)
            shred = f"{console.url}/v1/audit/sessions/s-aaa/content/shred"
            forged = await context.request.post(shred, timeout=10_000)
            assert forged.status == 403
            # -- an auditor (not admin) cannot use an admin action even from the console
            denied = await context.request.post(shred, timeout=10_000,
                                                headers={"X-Madoguchi-Console": "1"})
            assert denied.status == 403

            # -- signed out: the cookie no longer opens anything
            await page.click("#signout")
            await expect(page.locator("#login")).to_be_visible()
            after = await context.request.get(f"{console.url}/v1/audit/events", timeout=10_000,
                                              headers={"X-Madoguchi-Console": "1"})
            assert after.status == 401
        finally:
            await browser.close()

    with psycopg.connect(console.dsn) as conn:
        trail = conn.execute(
            "SELECT action, payload::jsonb #>> '{attributes,page}' FROM audit_events "
            "WHERE service = 'audit' AND auditor_id = 'privacy-officer' ORDER BY seq").fetchall()
    actions = [a for a, _ in trail]
    assert actions[0] == "console.login" and "console.logout" in actions
    assert {p for a, p in trail if a == "console.view"} >= {"usage", "events", "erasures",
                                                            "chain", "findings"}
    assert "audit.erasures.report" in actions and "audit.verify" in actions
    assert problems.lines == [], str(problems)
