"""What a stage can do right now, for the tablet and the operator: the `capabilities` bucket.

Translation writes one record at start-up and refreshes it; the bucket's TTL drops it when no
replica has refreshed it for a while, so a record is never older than the stage it describes.
Ingest reads it to tell the tablet (and the clerk) that only fixed phrases can be translated,
instead of showing every failure as a glitch to retry.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Literal

from nats.js.client import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError
from nats.js.kv import KeyValue
from pydantic import BaseModel

log = logging.getLogger(__name__)

CAPABILITIES_BUCKET = "capabilities"
CAPABILITIES_TTL = timedelta(minutes=5)
REFRESH_S = 60.0
TRANSLATION_KEY = "translation"
TranslationMode = Literal["full", "phrases_only", "unknown"]


class TranslationCapability(BaseModel):
    mode: TranslationMode
    model_id: str | None = None

    @classmethod
    def of(cls, model_id: str | None) -> TranslationCapability:
        return cls(mode="full" if model_id else "phrases_only", model_id=model_id)

    def describe(self) -> str:
        """One line for an operator (the `up` banner, /readyz)."""
        if self.mode == "full":
            return f"model {self.model_id}"
        if self.mode == "phrases_only":
            return ("no model installed: fixed phrases only "
                    "(install one: madoguchi models pull m2m100-418m)")
        return "unknown (translation has not reported)"


async def publish_translation(kv: KeyValue, capability: TranslationCapability) -> None:
    await kv.put(TRANSLATION_KEY, capability.model_dump_json().encode())


async def report_forever(js: Callable[[], JetStreamContext],
                         capability: TranslationCapability) -> None:
    """Translation's background task: keep its record fresh (the TTL drops a stale one)."""
    while True:
        try:
            await publish_translation(await js().key_value(CAPABILITIES_BUCKET), capability)
        except Exception as exc:  # reported again on the next round; never stops the stage
            log.warning("capability not reported", extra={"error": type(exc).__name__})
        await asyncio.sleep(REFRESH_S)


class CapabilityReader:
    """Ingest's view, read at most every `max_age_s` (the tablet asks on every language list)."""

    def __init__(self, kv: KeyValue | None, max_age_s: float = 10.0) -> None:
        self._kv = kv
        self._max_age_s = max_age_s
        self._cached: tuple[float, TranslationCapability] | None = None

    async def translation(self) -> TranslationCapability:
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self._max_age_s:
            return self._cached[1]
        value = TranslationCapability(mode="unknown")
        if self._kv is not None:
            try:
                entry = await self._kv.get(TRANSLATION_KEY)
                if entry.value:
                    value = TranslationCapability.model_validate(json.loads(entry.value))
            except (KeyNotFoundError, NotFoundError, BucketNotFoundError):
                pass  # nobody has reported (yet): unknown, said as such
            except Exception as exc:  # a NATS hiccup must not fail the language list
                log.warning("capabilities unreadable", extra={"error": type(exc).__name__})
        self._cached = (now, value)
        return value
