"""The capabilities bucket on a real, secured NATS: translation says what it can do, ingest
reads it for the tablet, and neither can write what is not its own."""

from __future__ import annotations

import pytest
from nats.errors import Error as NatsError

from madoguchi.shared.capabilities import (
    CAPABILITIES_BUCKET,
    CapabilityReader,
    TranslationCapability,
    publish_translation,
)
from madoguchi.shared.natsconn import connect
from madoguchi.testing.cluster import SecureNats


async def test_translation_reports_and_ingest_reads(secure_nats: SecureNats) -> None:
    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    try:
        reader = CapabilityReader(await ingest.jetstream().key_value(CAPABILITIES_BUCKET),
                                  max_age_s=0)
        own = await translation.jetstream().key_value(CAPABILITIES_BUCKET)
        await publish_translation(own, TranslationCapability.of(None))
        assert (await reader.translation()).mode == "phrases_only"
        await publish_translation(own, TranslationCapability.of("m2m100-418m"))
        seen = await reader.translation()
        assert (seen.mode, seen.model_id) == ("full", "m2m100-418m")
    finally:
        await ingest.close()
        await translation.close()


async def test_nobody_reported_reads_as_unknown(secure_nats: SecureNats) -> None:
    admin_side = await connect(secure_nats.settings_for("ingest"), "ingest")
    try:
        kv = await admin_side.jetstream().key_value(CAPABILITIES_BUCKET)
        with pytest.raises(NatsError):  # ingest may only read: it cannot clear the record
            await kv.delete("translation")
        assert (await CapabilityReader(None).translation()).mode == "unknown"
    finally:
        await admin_side.close()


async def test_a_stage_cannot_speak_for_another(secure_nats: SecureNats) -> None:
    """Recognition cannot claim translation has a model; translation writes its key only."""
    recognition = await connect(secure_nats.settings_for("recognition"), "recognition")
    translation = await connect(secure_nats.settings_for("translation"), "translation")
    try:
        with pytest.raises(NatsError):
            await recognition.jetstream().publish(
                f"$KV.{CAPABILITIES_BUCKET}.translation", b'{"mode": "full"}', timeout=2)
        with pytest.raises(NatsError):
            await translation.jetstream().publish(
                f"$KV.{CAPABILITIES_BUCKET}.recognition", b'{"mode": "full"}', timeout=2)
    finally:
        await recognition.close()
        await translation.close()
