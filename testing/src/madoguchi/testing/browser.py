"""Helpers for the tablet app's Chromium tests (tests/e2e): viewports, screenshots, holding
push-to-talk. Playwright for Python drives Debian's Chromium; see tests/e2e/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Page, ViewportSize

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts" / "e2e"
LANDSCAPE: ViewportSize = {"width": 1280, "height": 800}
PORTRAIT: ViewportSize = {"width": 800, "height": 1280}


async def shot(page: Page, name: str) -> None:
    """A screenshot for the test artefacts (CI keeps them)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def hold(page: Page, selector: str, seconds: float) -> None:
    """Press and hold a button with the mouse (push-to-talk), then release it."""
    box = await page.locator(selector).bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await page.mouse.down()
    await page.wait_for_timeout(int(seconds * 1000))
    await page.mouse.up()


PLAIN_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
"""Chromium's flags for tests that need no fake microphone."""


class PageProblems:
    """Every console error or warning and uncaught page error of the pages it watches; an
    e2e test asserts there are none. `expected` names the console lines a test provokes on
    purpose (a refused sign-in's 401, a restart's refused connections)."""

    def __init__(self, expected: Callable[[str], bool] = lambda _text: False) -> None:
        self.lines: list[str] = []
        self._expected = expected

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.lines.append(f"page error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") and not self._expected(message.text):
            self.lines.append(f"console {message.type}: {message.text}")

    def __str__(self) -> str:
        return "\n".join(self.lines)
