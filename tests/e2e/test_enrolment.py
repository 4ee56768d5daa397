"""Enrol a tablet once, in headless Chromium: the operator's enrolment link (the QR code of
`madoguchi devices add`) opens the app with the code filled in; the app makes a non-extractable
WebCrypto key, registers its public half, and from then on staff sign in with their ID and
password only — after a reload too. A revoked device is refused; a second browser with the
same code is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright, expect

from madoguchi.shared import identity
from madoguchi.shared.streams import CREDENTIALS_BUCKET
from madoguchi.testing.browser import LANDSCAPE, PLAIN_ARGS, PageProblems, shot
from madoguchi.testing.ingest.harness import STAFF_PASSWORD, admin_client

pytestmark = pytest.mark.slow


async def test_a_tablet_enrols_once_and_staff_sign_in_with_id_and_password(
        ingest_only: Any, chromium: Path, artifacts: Path) -> None:
    admin = await admin_client(ingest_only.secure_nats)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    code = await identity.add_enrollable_device(kv, "tablet-3F", "3F counter")
    await identity.add_staff(kv, "clerk-3", STAFF_PASSWORD)
    link = f"{ingest_only.ingest.url}/app/#enrol=tablet-3F:{code}"
    # The refused sign-in and enrolment below answer 401 on purpose; Chromium logs those.
    problems = PageProblems(expected=lambda text: "401" in text)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), headless=True,
                                           args=PLAIN_ARGS)
        try:
            context = await browser.new_context(viewport=LANDSCAPE, locale="ja-JP")
            page = problems.watch(await context.new_page())
            page.set_default_timeout(20_000)

            # -- the enrolment link fills the form and leaves no code in the address bar
            await page.goto(link)
            await expect(page.locator("#enrol")).to_be_visible()
            await expect(page.locator("#enrol-device")).to_have_value("tablet-3F")
            await expect(page.locator("#enrol-code")).to_have_value(code)
            assert "#enrol" not in page.url and code not in page.url
            await shot(page, "20-enrol-1280x800")
            await page.click("#enrol-button")

            # -- enrolled: staff sign in with ID and password only
            await expect(page.locator("#signin")).to_be_visible()
            await expect(page.locator("#enrolled-as")).to_contain_text("tablet-3F")
            await expect(page.locator("#device_secret")).to_be_hidden()
            await expect(page.locator("#device_id")).to_be_hidden()
            await shot(page, "21-signin-enrolled-1280x800")

            async def sign_in() -> None:
                await page.fill("#counter_id", "counter-3F-01")
                await page.fill("#staff_id", "clerk-3")
                await page.fill("#password", STAFF_PASSWORD)
                await page.click("#signin-button")

            await sign_in()
            await expect(page.locator("#choose")).to_be_visible()

            # -- the key cannot be read out of the browser, only used
            exported = await page.evaluate("""async () => {
                const db = await new Promise((ok) => {
                  const r = indexedDB.open("madoguchi-tablet", 1); r.onsuccess = () => ok(r.result);
                });
                const entry = await new Promise((ok) => {
                  const r = db.transaction("device").objectStore("device").get("enrolled");
                  r.onsuccess = () => ok(r.result);
                });
                try { await crypto.subtle.exportKey("pkcs8", entry.privateKey); return "exported"; }
                catch (e) { return `${entry.privateKey.extractable}:${e.name}`; }
            }""")
            assert exported == "false:InvalidAccessError"

            # -- sign out, reload: still enrolled, a new challenge signs in again
            await page.click("#signout")
            await page.reload()
            await expect(page.locator("#signin")).to_be_visible()
            await expect(page.locator("#enrolled-as")).to_contain_text("tablet-3F")
            await sign_in()
            await expect(page.locator("#choose")).to_be_visible()
            await page.click("#signout")

            # -- the code works once: another browser with the same link is refused
            other = await browser.new_context(viewport=LANDSCAPE, locale="ja-JP")
            thief = await other.new_page()
            await thief.goto(link)
            await thief.click("#enrol-button")
            await expect(thief.locator("#enrol-error")).to_contain_text("登録できません")
            await other.close()

            # -- revoked: the enrolled tablet's next sign-in is refused, with a reason
            await identity.revoke_device(kv, "tablet-3F")
            await sign_in()
            await expect(page.locator("#signin-error")).to_be_visible()
            await expect(page.locator("#choose")).to_be_hidden()
            await shot(page, "22-signin-revoked-1280x800")
        finally:
            await browser.close()
    await admin.close()
    assert problems.lines == [], str(problems)
