"""Identity at the only public entry point: no token, wrong token, revoked device, disabled
staff, brute force — each refused, and each attempt in the audit trail."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from madoguchi.ingest.settings import AuthSettings
from madoguchi.shared import identity
from madoguchi.shared.streams import CREDENTIALS_BUCKET
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.harness import (
    STAFF_PASSWORD,
    TOKEN_SECRET,
    admin_client,
    audit_events,
    enrol,
    ingest_settings,
    open_session,
    running_ingest,
    sign_in,
)


async def test_requests_without_a_valid_token_are_refused(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        body = {"counter_id": "c1"}
        assert (await http.post("/v1/sessions", json=body)).status_code == 401
        bad = {"Authorization": "Bearer v1.e30.AAAA"}
        assert (await http.post("/v1/sessions", json=body, headers=bad)).status_code == 401
        good = await sign_in(http, tablet)
        token = good["Authorization"].removeprefix("Bearer ")
        head, payload, mac = token.split(".")
        forged = json.loads(__import__("base64").urlsafe_b64decode(payload + "=="))
        forged["s"] = "someone-else"
        forged_payload = __import__("base64").urlsafe_b64encode(
            json.dumps(forged).encode()).rstrip(b"=").decode()
        tampered = {"Authorization": f"Bearer {head}.{forged_payload}.{mac}"}
        assert (await http.post("/v1/sessions", json=body, headers=tampered)).status_code == 401
        assert (await http.get("/v1/languages", headers=good)).status_code == 200
    denied = await audit_events(admin, "auth")
    assert any(e["outcome"] == "denied" and e["action"] == "request" for e in denied)
    await admin.close()


async def test_revocation_and_disabling_take_effect_on_the_next_request(
    secure_nats: SecureNats,
) -> None:
    admin = await admin_client(secure_nats)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    tablet = await enrol(admin)
    other = await enrol(admin, device_id="tablet-2", staff_id="staff-2")
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        auth2 = await sign_in(http, other)
        sid = await open_session(http, auth)
        # another device cannot see (or close) this session
        assert (await http.post(f"/v1/sessions/{sid}/close", headers=auth2)).status_code == 404

        await identity.revoke_device(kv, tablet.device_id)
        r = await http.post(f"/v1/sessions/{sid}/texts", headers=auth,
                            json={"speaker": "staff", "text": "x"})
        assert r.status_code == 401 and "revoked" in r.text
        login = await http.post("/v1/auth/login", json={
            "device_id": tablet.device_id, "device_secret": tablet.device_secret,
            "staff_id": tablet.staff_id, "password": STAFF_PASSWORD})
        assert login.status_code == 401

        await identity.disable_staff(kv, other.staff_id)
        assert (await http.get("/v1/languages", headers=auth2)).status_code == 401
    events = await audit_events(admin, "auth")
    codes = {e["attributes"].get("reason_code") for e in events}
    assert {"device_revoked", "staff_disabled"} <= codes
    assert all(e["actor"]["service"] == "ingest" for e in events)
    await admin.close()


async def test_brute_force_locks_out_and_is_audited(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(
        secure_nats, auth=AuthSettings(token_secret=TOKEN_SECRET, max_failures=3, lockout_s=60))
    async with running_ingest(settings) as ingest, ingest.client() as http:
        attempt = {"device_id": tablet.device_id, "device_secret": tablet.device_secret,
                   "staff_id": tablet.staff_id}
        for guess in ("a", "b", "c"):
            r = await http.post("/v1/auth/login", json=attempt | {"password": guess})
            assert r.status_code == 401
        # now even the right password is refused until the lock-out ends
        r = await http.post("/v1/auth/login", json=attempt | {"password": STAFF_PASSWORD})
        assert r.status_code == 423
        # a stranger guessing the device secret cannot lock the tablet out (the secret is 256
        # random bits; attempts are limited per source instead)
        await identity.add_staff(await admin.jetstream().key_value(CREDENTIALS_BUCKET),
                                 "staff-x", STAFF_PASSWORD)
        other_staff = attempt | {"staff_id": "staff-x", "password": STAFF_PASSWORD}
        for _ in range(5):
            r = await http.post("/v1/auth/login", json=other_staff | {"device_secret": "guess"})
            assert r.status_code == 401
        assert (await http.post("/v1/auth/login", json=other_staff)).status_code == 200
    events = await audit_events(admin, "auth")
    outcomes = [(e["action"], e["outcome"]) for e in events]
    assert outcomes.count(("login", "failure")) == 8
    assert ("login", "denied") in outcomes
    assert any(e["attributes"].get("locked_out") is True for e in events)
    raw = json.dumps(events)
    assert STAFF_PASSWORD not in raw and tablet.device_secret not in raw and '"a"' not in raw
    await admin.close()


async def test_credentials_are_stored_only_as_argon2_hashes(secure_nats: SecureNats) -> None:
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    device = (await kv.get(identity.device_key(tablet.device_id))).value
    staff = (await kv.get(identity.staff_key(tablet.staff_id))).value
    assert device is not None and staff is not None
    assert tablet.device_secret.encode() not in device and STAFF_PASSWORD.encode() not in staff
    assert b"$argon2id$" in device and b"$argon2id$" in staff
    await admin.close()


async def _stream_until_closed(http, sid: str, auth: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """Read the session's event stream until it ends; returns its `closed` event's data."""
    last = ""
    async with http.stream("GET", f"/v1/sessions/{sid}/events", headers=auth,
                           timeout=30) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                last = line.removeprefix("data: ")
    return last


@pytest.mark.parametrize("attack", ["revoke_device", "disable_staff"])
async def test_an_open_event_stream_ends_within_seconds_of_losing_the_sign_in(
    secure_nats: SecureNats, attack: str,
) -> None:
    """A stolen or retired tablet must not keep receiving the conversation on a stream it
    opened before it was revoked."""
    admin = await admin_client(secure_nats)
    kv = await admin.jetstream().key_value(CREDENTIALS_BUCKET)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, sse_recheck_s=1.0)
    async with running_ingest(settings) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        sid = await open_session(http, auth)
        reader = asyncio.create_task(_stream_until_closed(http, sid, auth))
        await asyncio.sleep(1.5)
        assert not reader.done(), "the stream must be open before the attack"
        started = time.monotonic()
        if attack == "revoke_device":
            await identity.revoke_device(kv, tablet.device_id)
        else:
            await identity.disable_staff(kv, tablet.staff_id)
        closing = await asyncio.wait_for(reader, 10)
        assert time.monotonic() - started < 4.0
        assert json.loads(closing) == {"reason": "signed_out"}
    await admin.close()


async def test_a_burst_of_concurrent_guesses_cannot_undo_its_own_lock_out(
    secure_nats: SecureNats,
) -> None:
    """Guesses sent all at once used to read the same failure count and overwrite each other
    (and a late write could replace a lock with a bare count): the account stayed open."""
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(
        secure_nats, auth=AuthSettings(token_secret=TOKEN_SECRET, max_failures=5, lockout_s=60,
                                       login_burst_per_source=50))
    async with running_ingest(settings) as ingest, ingest.client() as http:
        attempt = {"device_id": tablet.device_id, "device_secret": tablet.device_secret,
                   "staff_id": tablet.staff_id}
        answers = await asyncio.gather(*(
            http.post("/v1/auth/login", json=attempt | {"password": f"guess-{n}"})
            for n in range(15)))
        assert {r.status_code for r in answers} <= {401, 423}
        right = await http.post("/v1/auth/login", json=attempt | {"password": STAFF_PASSWORD})
        assert right.status_code == 423
        lockouts = await admin.jetstream().key_value("lockouts")
        entry = await lockouts.get(f"lockout.staff.{tablet.staff_id}")
        assert entry.value and json.loads(entry.value)["locked_until"] is not None
    await admin.close()


async def test_ingest_may_read_the_accounts_but_not_change_them(
    secure_nats: SecureNats,
) -> None:
    from madoguchi.shared.natsconn import connect

    ingest = await connect(secure_nats.settings_for("ingest"), "ingest")
    try:
        kv = await ingest.jetstream(timeout=1.0).key_value(CREDENTIALS_BUCKET)
        with pytest.raises(Exception):  # noqa: B017 - a denied publish times out
            await kv.put("staff.intruder", b'{"staff_id": "intruder"}')
    finally:
        await ingest.close()


async def test_a_flood_of_bad_sign_ins_is_throttled_and_bounded(secure_nats: SecureNats) -> None:
    """100 bad sign-ins at once from one address: beyond the per-source burst they are
    answered 429 at once, without an argon2 verification each (what would exhaust memory)."""
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, auth=AuthSettings(
        token_secret=TOKEN_SECRET, max_failures=1000, login_burst_per_source=8,
        logins_per_minute_per_source=6, hash_concurrency=2))
    async with running_ingest(settings) as ingest, ingest.client() as http:
        attempt = {"device_id": tablet.device_id, "device_secret": "guess",
                   "staff_id": tablet.staff_id, "password": "guess"}
        started = time.monotonic()
        answers = await asyncio.gather(*(http.post("/v1/auth/login", json=attempt)
                                         for _ in range(100)))
        elapsed = time.monotonic() - started
        codes = [r.status_code for r in answers]
        assert codes.count(401) <= 9 and codes.count(429) >= 91, codes
        assert all(r.headers.get("retry-after") for r in answers if r.status_code == 429)
        assert elapsed < 15
    events = await audit_events(admin, "auth")
    throttled = [e for e in events if e["attributes"].get("reason_code") == "throttled"]
    assert 1 <= len(throttled) <= 70  # bounded: the flood does not flood the trail
    await admin.close()


@pytest.mark.parametrize("trusted", [[], ["127.0.0.1"], ["127.0.0.0/8"]])
async def test_a_forged_forwarded_address_does_not_escape_the_per_source_limit(
    secure_nats: SecureNats, trusted: list[str],
) -> None:
    """A client that puts a new X-Forwarded-For on each guess: unless its peer is a configured
    proxy, the limit keys on the peer and throttles it (uvicorn's default trusted the header
    from localhost). With the proxy configured (an address, or the controller's pod CIDR as
    the chart's `ingress.*.trustedProxies` gives it), each forwarded client has its own limit."""
    admin = await admin_client(secure_nats)
    tablet = await enrol(admin)
    settings = ingest_settings(secure_nats, auth=AuthSettings(
        token_secret=TOKEN_SECRET, max_failures=1000, login_burst_per_source=3,
        logins_per_minute_per_source=3, hash_concurrency=2))
    if trusted:
        settings = settings.model_copy(update={"http": settings.http.model_copy(
            update={"forwarded_allow_ips": trusted})})
    async with running_ingest(settings) as ingest, ingest.client() as http:
        attempt = {"device_id": tablet.device_id, "device_secret": "guess",
                   "staff_id": tablet.staff_id, "password": "guess"}
        codes = [(await http.post("/v1/auth/login", json=attempt, headers={
            "X-Forwarded-For": f"203.0.113.{n}"})).status_code for n in range(10)]
    if trusted:
        assert codes.count(429) == 0, codes  # ten clients behind the ingress, one guess each
    else:
        assert codes.count(429) >= 6, codes  # one client, whatever it claims
    await admin.close()
