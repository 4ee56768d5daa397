"""Helpers for the tablet app's Chromium tests (tests/e2e): viewports, screenshots, holding
push-to-talk. Playwright for Python drives Debian's Chromium; see tests/e2e/conftest.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Page, ViewportSize

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
