"""`madoguchi devices|staff` against a real secured NATS, then a sign-in on a real ingest."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from pydantic import SecretStr

from madoguchi.ingest.settings import AuthSettings
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.ingest.harness import (
    TOKEN_SECRET,
    BrowserKey,
    Tablet,
    admin_client,
    audit_events,
    ingest_settings,
    running_ingest,
    sign_in,
)

CLI = str(Path(sys.executable).with_name("madoguchi"))


async def _cli(secure: SecureNats, tmp_path: Path, *args: str, stdin: str = "") -> str:
    admin = secure.admin()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "MADOGUCHI_HOME": str(tmp_path / "no-stack"),
        "MADOGUCHI_ADMIN_NATS__URL": admin.url,
        "MADOGUCHI_ADMIN_NATS__USER": "admin",
        "MADOGUCHI_ADMIN_NATS__PASSWORD": admin.password.get_secret_value(),  # type: ignore[union-attr]
        "MADOGUCHI_ADMIN_NATS__CA_FILE": str(admin.ca_file),
        "MADOGUCHI_OPERATOR": "koseki-admin-07",
    }
    process = await asyncio.create_subprocess_exec(
        CLI, *args, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 60)
    assert process.returncode == 0, err.decode()
    # quiet: no asyncio TLS noise, no traceback (issue 22)
    assert "eof_received" not in err.decode() and "Traceback" not in err.decode(), err.decode()
    return out.decode()


async def test_operator_manages_devices_and_staff(secure_nats: SecureNats, tmp_path: Path) -> None:
    out = await _cli(secure_nats, tmp_path, "devices", "add", "tablet-7", "--label", "1F-3",
                     "--secret")
    secret = out.strip().splitlines()[-1]
    await _cli(secure_nats, tmp_path, "staff", "add", "s-100", "--password-stdin",
               stdin="a long enough password\n")
    listing = await _cli(secure_nats, tmp_path, "devices", "list")
    assert "tablet-7" in listing and "active" in listing and secret not in listing

    tablet = Tablet("tablet-7", secret, "s-100", "a long enough password")
    async with running_ingest(ingest_settings(secure_nats)) as ingest, ingest.client() as http:
        auth = await sign_in(http, tablet)
        assert (await http.get("/v1/languages", headers=auth)).status_code == 200
        await _cli(secure_nats, tmp_path, "staff", "disable", "s-100")
        assert (await http.get("/v1/languages", headers=auth)).status_code == 401
        await _cli(secure_nats, tmp_path, "devices", "revoke", "tablet-7")
    assert "revoked" in await _cli(secure_nats, tmp_path, "devices", "list")

    admin = await admin_client(secure_nats)
    actions = {e["action"] for e in await audit_events(admin, "auth")
               if e["actor"]["service"] == "ops"}
    assert actions == {"device.added", "staff.added", "staff.disabled", "device.revoked"}
    await admin.close()


async def test_enrolment_codes_list_headers_unlock_and_the_operator_named(
        secure_nats: SecureNats, tmp_path: Path) -> None:
    out = await _cli(secure_nats, tmp_path, "devices", "add", "tablet-8",
                     "--app-url", "https://madoguchi.example.city.lg.jp/app/")
    code = out.split("valid 15 minutes):")[1].split()[0]
    assert f"https://madoguchi.example.city.lg.jp/app/#enrol=tablet-8:{code}" in out
    assert "▄" in out or "█" in out  # the QR code is drawn
    listing = await _cli(secure_nats, tmp_path, "devices", "list")
    assert listing.splitlines()[0].split()[:3] == ["DEVICE", "STATUS", "SIGN-IN"]
    assert "code pending" in listing and code not in listing
    await _cli(secure_nats, tmp_path, "staff", "add", "s-200", "--password-stdin",
               stdin="a long enough password\n")

    key = BrowserKey()
    async with running_ingest(ingest_settings(secure_nats, auth=AuthSettings(
            token_secret=SecretStr(TOKEN_SECRET), max_failures=2))) as ingest, \
            ingest.client() as http:
        enrolled = await http.post("/v1/devices/enrol", json={
            "device_id": "tablet-8", "code": code, "public_key": key.spki})
        assert enrolled.status_code == 201
        assert "enrolled key" in await _cli(secure_nats, tmp_path, "devices", "list")

        async def sign_in(password: str) -> int:
            challenge = (await http.post("/v1/auth/challenge",
                                         json={"device_id": "tablet-8"})).json()["challenge"]
            return (await http.post("/v1/auth/login", json={
                "device_id": "tablet-8", "challenge": challenge, "signature": key.sign(challenge),
                "staff_id": "s-200", "password": password})).status_code

        assert [await sign_in("wrong password!!") for _ in range(2)] == [401, 401]
        assert await sign_in("a long enough password") == 423  # locked out
        assert "unlocked" in await _cli(secure_nats, tmp_path, "staff", "unlock", "s-200")
        assert await sign_in("a long enough password") == 200
        # a new code (a replaced tablet): the enrolled key stops working at once
        await _cli(secure_nats, tmp_path, "devices", "enrol-code", "tablet-8")
        assert await sign_in("a long enough password") == 401

    admin = await admin_client(secure_nats)
    changes = [e for e in await audit_events(admin, "auth") if e["actor"]["service"] == "ops"]
    assert {e["action"] for e in changes} == {
        "device.added", "staff.added", "staff.unlocked", "device.enrolment_issued"}
    assert {e["attributes"]["operator"] for e in changes} == {"koseki-admin-07"}
    await admin.close()
