"""Spoken translations on the tablet, in headless Chromium against real services (synthesis
included, with its built-in voices: natural English and Japanese):

staff send a fixed phrase in an English session → the visitor's card says speech is being
prepared, then gets its 🔊 replay button, and the visitor half plays it by itself (a WAV fetched
with the token into a blob: URL) → the visitor types, and the staff half plays the Japanese,
never both at once → a translation held for staff's confirmation is not spoken until released
→ the visitor half's "read aloud" switch turned off: the next translation is not played by
itself, the replay button still plays it → end and erase: the object URLs are revoked and
localStorage holds only that switch → Vietnamese (only the robotic espeak-ng voice) is spoken
and labelled robotic; Tagalog (no voice) gets a quiet note, not an error.

Headless Chromium may have no audio output, so playback is observed by wrapping
`HTMLMediaElement.prototype.play`, not by listening.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, Request, Route, async_playwright, expect

from madoguchi.testing.browser import LANDSCAPE, PLAIN_ARGS, PORTRAIT, PageProblems, shot

pytestmark = pytest.mark.slow

# Plays (element id, src, which other media were playing at that moment) and every speech
# line a card got (preparing / ready / unavailable), recorded from before the app's scripts run.
SPY = """
window.__plays = [];
window.__speech = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const others = [...document.querySelectorAll("audio, video")]
    .filter((m) => m !== this && !m.paused).map((m) => m.id);
  window.__plays.push({id: this.id, src: this.src, others});
  return play.call(this);
};
new MutationObserver((records) => {
  for (const r of records) for (const node of r.addedNodes) {
    if (!(node instanceof Element)) continue;
    for (const el of [node, ...node.querySelectorAll(".speech")]) {
      if (!el.classList.contains("speech")) continue;
      const li = el.closest("li");
      window.__speech.push({utterance: li && li.dataset.utterance,
                            side: li && li.parentElement.id, state: el.dataset.state});
    }
  }
}).observe(document, {childList: true, subtree: true});
"""

SESSION_URL = re.compile(r"/v1/sessions/([A-Za-z0-9_-]+)/")

METADATA = """async (id) => {
  const audio = document.getElementById(id);
  if (audio.readyState < 1) {
    await new Promise((resolve, reject) => {
      audio.addEventListener("loadedmetadata", resolve, {once: true});
      audio.addEventListener("error", () => reject(new Error("audio error")), {once: true});
    });
  }
  return {src: audio.src, duration: audio.duration};
}"""


async def plays(page: Page, element: str) -> list[dict[str, Any]]:
    return [p for p in await page.evaluate("() => window.__plays") if p["id"] == element]


async def speech_states(page: Page, utterance: str, side: str) -> list[str]:
    return [s["state"] for s in await page.evaluate("() => window.__speech")
            if s["utterance"] == utterance and s["side"] == side]


async def wait_plays(page: Page, element: str, count: int) -> list[dict[str, Any]]:
    await page.wait_for_function(
        "([id, n]) => window.__plays.filter((p) => p.id === id).length >= n", arg=[element, count])
    return await plays(page, element)


async def test_translations_are_spoken_on_the_listeners_side(
        stack: Any, chromium: Path, artifacts: Path) -> None:
    probing = False
    # Loading a revoked object URL (on purpose, below) logs net::ERR_FILE_NOT_FOUND: expected.
    problems = PageProblems(expected=lambda text: probing and "ERR_FILE_NOT_FOUND" in text)
    wavs: list[bytes] = []
    tokens: list[str] = []
    sessions: list[str] = []

    async def keep_speech(route: Route) -> None:  # passed through unchanged; the bytes kept
        response = await route.fetch()
        if response.ok:
            assert response.headers["content-type"] == "audio/wav"
            assert response.headers["cache-control"] == "no-store"
            wavs.append(await response.body())
        await route.fulfill(response=response)

    def on_request(request: Request) -> None:
        auth = request.headers.get("authorization")
        if auth and auth.startswith("Bearer "):
            tokens.append(auth.removeprefix("Bearer "))
        if found := SESSION_URL.search(request.url):
            sessions.append(found.group(1))

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(chromium), headless=True,
            args=[*PLAIN_ARGS, "--autoplay-policy=no-user-gesture-required"])
        try:
            context = await browser.new_context(viewport=LANDSCAPE, locale="ja-JP")
            await context.add_init_script(SPY)
            page = problems.watch(await context.new_page())
            await page.route("**/v1/sessions/*/speech/*", keep_speech)
            page.on("request", on_request)
            page.set_default_timeout(20_000)

            await page.goto(f"{stack.ingest.url}/app/")
            await page.click("#use-secret")
            await page.fill("#device_id", stack.tablet.device_id)
            await page.fill("#device_secret", stack.tablet.device_secret)
            await page.fill("#counter_id", "counter-1F-03")  # holds warned translations
            await page.fill("#staff_id", stack.tablet.staff_id)
            await page.fill("#password", stack.tablet.password)
            await page.click("#signin-button")
            await page.click("#languages [data-lang='en']")
            await expect(page.locator("#talk")).to_be_visible()
            # each half has its own switch, on by default, labelled in its reader's language
            await expect(page.locator("#staff-autoplay")).to_be_checked()
            await expect(page.locator("#visitor-autoplay")).to_be_checked()
            await expect(page.locator("label.autoplay").first).to_contain_text(
                "Read aloud automatically")
            await expect(page.locator("label.autoplay").last).to_contain_text("自動で読み上げ")
            assert await page.evaluate("() => localStorage.length") == 0  # the default: nothing

            # -- a fixed phrase: preparing, then 🔊, and the visitor half plays it by itself
            await send_phrase(page, "greet-welcome")
            heard = page.locator("#visitor-log .utterance").last
            await expect(heard.locator(".target")).to_have_text("Welcome. How can I help you?",
                                                                timeout=30_000)
            replay = heard.locator(".speech button.replay")
            await expect(replay).to_be_visible(timeout=60_000)
            assert await replay.get_attribute("aria-label") == "Play again"
            assert await replay.get_attribute("lang") == "en"
            await expect(heard.locator(".speech-note")).to_have_count(0)  # preparing: cleared
            utterance = await heard.get_attribute("data-utterance")
            assert utterance is not None
            assert await speech_states(page, utterance, "visitor-log") == ["preparing", "ready"]
            # the speaker's own side is not spoken to
            spoken = page.locator(f"#staff-log .utterance[data-utterance='{utterance}']")
            await expect(spoken.locator(".speech")).to_have_count(0)

            first = (await wait_plays(page, "visitor-audio", 1))[0]
            assert first["src"].startswith("blob:")
            media = await page.evaluate(METADATA, "visitor-audio")
            assert media["src"] == first["src"] and media["duration"] > 0
            assert len(wavs) == 1 and wavs[0][:4] == b"RIFF" and wavs[0][8:12] == b"WAVE"
            await shot(page, "20-speech-ready-1280x800")

            # -- the visitor types: staff hear the Japanese; the visitor's audio stops first
            await page.fill("#visitor-text", "Hello.")
            await page.click("#visitor-send")
            answer = page.locator("#staff-log .utterance.from-visitor").last
            await expect(answer.locator(".speech button.replay")).to_be_visible(timeout=60_000)
            assert await answer.locator(".speech button.replay").get_attribute(
                "aria-label") == "もう一度聞く"
            staff_played = await wait_plays(page, "staff-audio", 1)
            assert staff_played[0]["src"].startswith("blob:")
            assert (await page.evaluate(METADATA, "staff-audio"))["duration"] > 0
            await expect(page.locator("#visitor-log .utterance.from-visitor .speech")
                         ).to_have_count(0)  # what the visitor typed is not read back to them

            # -- held for staff's confirmation: ready speech waits until it is released
            before = len(await plays(page, "visitor-audio"))
            await page.fill("#staff-text", "四番の窓口へどうぞ。")
            await page.click("#staff-send")
            held = page.locator("#staff-log .utterance.from-staff").last
            await expect(held.locator(".hold button.release")).to_be_visible(timeout=30_000)
            held_id = await held.get_attribute("data-utterance")
            assert held_id is not None
            await speech_stored(stack.ingest.url, tokens[-1], sessions[-1], held_id)
            await page.wait_for_timeout(1_500)  # the `synthesized` event has reached the tablet
            waiting = page.locator(f"#visitor-log .utterance[data-utterance='{held_id}']")
            await expect(waiting).to_have_class(re.compile(r"\bheld\b"))
            await expect(waiting.locator(".speech")).to_have_count(0)
            assert len(await plays(page, "visitor-audio")) == before
            await held.locator(".hold button.release").click()
            await expect(waiting.locator(".speech button.replay")).to_be_visible()
            released = await wait_plays(page, "visitor-audio", before + 1)
            assert released[-1]["src"] not in {p["src"] for p in released[:-1]}

            # -- the visitor half's switch off: the next one is not played, 🔊 still plays it
            await page.uncheck("#visitor-autoplay")
            stored = await page.evaluate("() => Object.entries(localStorage)")
            assert stored == [["madoguchi.autoplay.visitor", "off"]]
            before = len(await plays(page, "visitor-audio"))
            await page.fill("#staff-text", "三番の窓口へどうぞ。")
            await page.click("#staff-send")
            quiet = page.locator("#visitor-log .utterance").last
            await expect(quiet.locator(".target")).to_have_text("Please go to counter 3.",
                                                                timeout=30_000)
            await expect(quiet.locator(".speech button.replay")).to_be_visible(timeout=60_000)
            await page.wait_for_timeout(1_000)
            assert len(await plays(page, "visitor-audio")) == before  # not started
            await shot(page, "21-speech-autoplay-off-1280x800")
            await quiet.locator(".speech button.replay").click()
            replayed = await wait_plays(page, "visitor-audio", before + 1)
            assert replayed[-1]["src"].startswith("blob:")
            assert replayed[-1]["src"] not in {p["src"] for p in replayed[:-1]}  # its own audio
            assert (await page.evaluate(METADATA, "visitor-audio"))["duration"] > 0
            # one at a time: nothing else was playing whenever something started
            everything = await page.evaluate("() => window.__plays")
            assert all(p["others"] == [] for p in everything), everything

            # -- portrait: the switches and the controls stay on screen
            await page.set_viewport_size(PORTRAIT)
            for selector in ["#staff-autoplay", "#visitor-autoplay", "#staff-ptt", "#end"]:
                await expect(page.locator(selector)).to_be_in_viewport()
            await shot(page, "22-speech-800x1280")
            await page.set_viewport_size(LANDSCAPE)

            # -- end and erase: the audio is gone from the page, its object URLs revoked
            urls = sorted({p["src"] for p in everything})
            await end_session(page)
            # four translations spoken (the phrase, 「こんにちは」, the held one, the quiet one)
            await expect(page.locator("#receipt-fields dt:text-is('読み上げ音声（消去）') + dd")
                         ).to_have_text("4 件")
            for element in ["visitor-audio", "staff-audio"]:
                assert await page.get_attribute(f"#{element}", "src") is None
            probing = True
            revoked = await page.evaluate("""async (urls) => Promise.all(urls.map((url) =>
                new Promise((resolve) => {
                  const probe = new Audio();
                  probe.onloadedmetadata = () => resolve("still there");
                  probe.onerror = () => resolve("revoked");
                  probe.src = url;
                })))""", urls)
            await page.wait_for_timeout(300)  # the probes' console lines have come in
            probing = False
            assert revoked == ["revoked"] * len(urls)
            stored = await page.evaluate("() => Object.entries(localStorage)")
            assert stored == [["madoguchi.autoplay.visitor", "off"]]  # only the switch

            # -- the switch is kept for the next visitor; switching it on stores nothing.
            # Vietnamese has only the robotic fallback voice: spoken, and labelled so
            await page.click("#next")
            await page.click("#languages [data-lang='vi']")
            await expect(page.locator("#visitor-autoplay")).not_to_be_checked()
            await expect(page.locator("label.autoplay").first).to_contain_text("Tự động đọc")
            await page.check("#visitor-autoplay")
            assert await page.evaluate("() => localStorage.length") == 0
            before = len(await plays(page, "visitor-audio"))
            await send_phrase(page, "greet-welcome")
            robotic = page.locator("#visitor-log .utterance").last
            await expect(robotic.locator(".speech button.replay")).to_have_attribute(
                "aria-label", "Nghe lại", timeout=60_000)
            await expect(robotic.locator(".speech .speech-quality")).to_have_text("giọng máy")
            await wait_plays(page, "visitor-audio", before + 1)
            await shot(page, "23-speech-robotic-1280x800")
            await end_session(page)

            # -- Tagalog has no voice: a quiet note instead of 🔊, no alert, nothing played
            await page.click("#next")
            await page.click("#languages [data-lang='tl']")
            before = len(await plays(page, "visitor-audio"))
            await send_phrase(page, "greet-welcome")
            silent = page.locator("#visitor-log .utterance").last
            await expect(silent.locator(".speech .speech-note")).to_have_text(
                "Wala pang boses para sa wikang ito.", timeout=60_000)
            await expect(silent.locator(".speech button.replay")).to_have_count(0)
            await expect(page.locator("#visitor [role=alert]")).to_have_count(0)
            await expect(page.locator("#visitor-status")).not_to_have_attribute(
                "data-state", "failed")
            assert len(await plays(page, "visitor-audio")) == before
            await end_session(page)
        finally:
            await browser.close()

    assert problems.lines == [], str(problems)


async def send_phrase(page: Page, phrase_id: str) -> None:
    await page.click("#staff-phrases-toggle")
    await page.click(f"#phrase-list [data-phrase='{phrase_id}']")


async def end_session(page: Page) -> None:
    await page.click("#end")
    await page.click("#confirm-yes")
    await expect(page.locator("#receipt")).to_be_visible(timeout=30_000)


async def speech_stored(base_url: str, token: str, session_id: str, utterance_id: str) -> None:
    """Waits until synthesis has stored the utterance's audio, which it does just before it
    publishes `synthesized` (asked with the tablet's own token, outside the page)."""
    async with httpx.AsyncClient(base_url=base_url,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        for _ in range(600):
            reply = await http.get(f"/v1/sessions/{session_id}/speech/{utterance_id}")
            if reply.status_code == 200:
                assert reply.content[:4] == b"RIFF"
                return
            assert reply.status_code == 404, reply.status_code
            await asyncio.sleep(0.1)
    raise AssertionError(f"no speech stored for {utterance_id} after 60 s")
