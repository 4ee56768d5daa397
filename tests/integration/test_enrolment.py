"""Enrol a tablet once, then sign in by signing a challenge — against a real ingest on a real,
secured NATS — and the attacks on it: a replayed challenge, a forged or another device's
challenge, a wrong key, a revoked device, an expired, reused or wrong code."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from madoguchi.shared import identity
from madoguchi.shared.streams import CREDENTIALS_BUCKET, DEVICE_KEYS_BUCKET
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.harness import (
    STAFF_PASSWORD,
    BrowserKey,
    admin_client,
    audit_events,
    ingest_settings,
    running_ingest,
)


async def _challenge(http: httpx.AsyncClient, device_id: str) -> str:
    r = await http.post("/v1/auth/challenge", json={"device_id": device_id})
    assert r.status_code == 200, r.text
    return str(r.json()["challenge"])


async def _login(http: httpx.AsyncClient, device_id: str, challenge: str,
                 signature: str) -> httpx.Response:
    return await http.post("/v1/auth/login", json={
        "device_id": device_id, "challenge": challenge, "signature": signature,
        "staff_id": "clerk-1", "password": STAFF_PASSWORD})


async def test_enrol_once_then_sign_in_with_the_device_key(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    code = await identity.add_enrollable_device(kv, "tablet-9", "2F")
    await identity.add_staff(kv, "clerk-1", STAFF_PASSWORD)
    key = BrowserKey()
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        # typed as a clerk would: lower case, no dash
        enrolled = await http.post("/v1/devices/enrol", json={
            "device_id": "tablet-9", "code": code.lower().replace("-", ""),
            "public_key": key.spki})
        assert enrolled.status_code == 201, enrolled.text

        challenge = await _challenge(http, "tablet-9")
        signed_in = await _login(http, "tablet-9", challenge, key.sign(challenge))
        assert signed_in.status_code == 200, signed_in.text
        auth = {"Authorization": f"Bearer {signed_in.json()['token']}"}
        assert (await http.get("/v1/languages", headers=auth)).status_code == 200

        # -- the same challenge and signature again: refused (single use)
        replayed = await _login(http, "tablet-9", challenge, key.sign(challenge))
        assert replayed.status_code == 401
        # -- another key (a copied tablet app without the enrolled key) cannot sign
        fresh = await _challenge(http, "tablet-9")
        assert (await _login(http, "tablet-9", fresh, BrowserKey().sign(fresh))).status_code == 401
        # -- a challenge issued for another device, or altered, is refused
        other = await _challenge(http, "tablet-other")
        assert (await _login(http, "tablet-9", other, key.sign(other))).status_code == 401
        forged = fresh.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAA"
        assert (await _login(http, "tablet-9", forged, key.sign(forged))).status_code == 401
        # -- the code works once: a second enrolment (a thief with the code) is refused
        again = await http.post("/v1/devices/enrol", json={
            "device_id": "tablet-9", "code": code, "public_key": BrowserKey().spki})
        assert again.status_code == 401
        still = await _challenge(http, "tablet-9")
        assert (await _login(http, "tablet-9", still, key.sign(still))).status_code == 200

        # -- revocation works as it does for secrets: the next request and sign-in fail
        await identity.revoke_device(kv, "tablet-9")
        assert (await http.get("/v1/languages", headers=auth)).status_code == 401
        after = await _challenge(http, "tablet-9")
        assert (await _login(http, "tablet-9", after, key.sign(after))).status_code == 401

    reasons = [e["attributes"].get("reason_code") for e in await audit_events(admin, "auth")
               if e["action"] in ("login", "device.enrolled") and e["outcome"] != "success"]
    assert reasons == ["challenge_replayed", "signature_invalid", "challenge_other_device",
                       "challenge_forged", "enrolment_code_reused", "device_revoked"]
    await admin.close()


async def test_wrong_expired_and_malformed_enrolments_are_refused(
        secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    keys = await admin.jetstream().key_value(DEVICE_KEYS_BUCKET)
    code = await identity.add_enrollable_device(kv, "tablet-a")
    expired = await identity.add_enrollable_device(kv, "tablet-b", ttl=timedelta(seconds=-1))
    secret_only = await identity.add_device(kv, "tablet-c")
    key = BrowserKey()
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        async def enrol(device_id: str, code: str, public_key: str = key.spki) -> int:
            r = await http.post("/v1/devices/enrol", json={
                "device_id": device_id, "code": code, "public_key": public_key})
            return r.status_code

        assert await enrol("tablet-a", "00000-00000") == 401           # wrong code
        assert await enrol("tablet-b", expired) == 401                 # expired
        assert await enrol("tablet-c", secret_only[:10]) == 401        # never issued a code
        assert await enrol("nobody", code) == 401                      # unknown device
        junk = base64.b64encode(b"not a key at all, just text in base64").decode()
        assert await enrol("tablet-a", code, junk) == 400
        p384 = base64.b64encode(ec.generate_private_key(ec.SECP384R1()).public_key()
                                    .public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat
                                                  .SubjectPublicKeyInfo)).decode()
        assert await enrol("tablet-a", code, p384) == 400          # not P-256
        assert await identity.get_device_key(keys, "tablet-a") is None  # nothing was bound
        assert await enrol("tablet-a", code) == 201                    # the right one still works

        # a re-issued code (a replaced tablet) unbinds the old key; the new one enrols
        new_code = await identity.new_enrolment(kv, keys, "tablet-a")
        challenge = await _challenge(http, "tablet-a")
        assert (await _login(http, "tablet-a", challenge, key.sign(challenge))).status_code \
            == 401
        replacement = BrowserKey()
        assert await enrol("tablet-a", new_code, replacement.spki) == 201
        challenge = await _challenge(http, "tablet-a")
        await identity.add_staff(kv, "clerk-1", STAFF_PASSWORD)
        assert (await _login(http, "tablet-a", challenge,
                             replacement.sign(challenge))).status_code == 200
        # a body with both a secret and a signature is not a sign-in
        both = await http.post("/v1/auth/login", json={
            "device_id": "tablet-a", "device_secret": "x", "challenge": challenge,
            "signature": "y", "staff_id": "clerk-1", "password": STAFF_PASSWORD})
        assert both.status_code == 422
    await admin.close()
