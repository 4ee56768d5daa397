"""Attack (issue 16.9): a flood of bad sign-ins against ingest running under a memory limit.

Each argon2 verification takes 64 MiB. The ingest process runs as deployed (its own process,
prod mode) with its data segment capped a little above its resting size (`RLIMIT_DATA`, set
on the running process, as a container limit would be): room for two verifications at once,
not six. 100 bad sign-ins arrive at once together with real clerks signing in. With the
bound (`AUTH__HASH_CONCURRENCY=2`) every clerk gets in and the process lives; with six at
once (the default thread pool here) allocations fail and real clerks are refused — the
control that shows the limit bites.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.memory import Request, cap_data_segment, flood
from madoguchi.testing.embedded.services import ServiceProcess
from madoguchi.testing.ingest.harness import STAFF_PASSWORD, admin_client, enrol
from madoguchi.testing.stack import TOKEN_SECRET

# Above the resting data segment: two verifications (128 MiB) plus the worker threads' stacks
# and the requests fit; six (384 MiB) do not. Measured here: 200 MiB is too little for two,
# 300 and 400 both pass with two and fail with six.
HEADROOM = 320 * 2**20
CLERKS = 4


async def _flood(secure: SecureNats, tmp_path: Path, hash_concurrency: int,
                 ) -> tuple[list[int], list[int], bool]:
    """(clerks' status codes, the flood's status codes, process still alive)."""
    admin = await admin_client(secure)
    tablets = [await enrol(admin, f"tablet-{hash_concurrency}-{n}", f"staff-{hash_concurrency}-{n}")
               for n in range(CLERKS)]
    await admin.close()
    process = ServiceProcess("ingest", secure.settings_for("ingest"), tmp_path / "logs", {
        "AUTH__TOKEN_SECRET": TOKEN_SECRET, "AUTH__HASH_CONCURRENCY": str(hash_concurrency),
        "AUTH__LOGINS_PER_MINUTE_PER_SOURCE": "100000", "AUTH__LOGIN_BURST_PER_SOURCE": "1000",
        "AUTH__LOGINS_PER_MINUTE": "100000", "AUTH__MAX_FAILURES": "100000"}).start()
    try:
        assert process.process is not None
        cap_data_segment(process.process.pid, HEADROOM)
        bad = {"device_id": tablets[0].device_id, "device_secret": "guess",
               "staff_id": tablets[0].staff_id, "password": "guess"}

        def clerk(body: dict[str, str]) -> Request:
            return lambda http: http.post("/v1/auth/login", json=body)

        return await flood(process.url, clerk(bad), [clerk({
            "device_id": t.device_id, "device_secret": t.device_secret,
            "staff_id": t.staff_id, "password": STAFF_PASSWORD}) for t in tablets])
    finally:
        process.stop()


@pytest.mark.slow
async def test_a_flood_of_bad_sign_ins_under_a_memory_limit(
    secure_nats: SecureNats, tmp_path: Path,
) -> None:
    clerks, flood, alive = await _flood(secure_nats, tmp_path / "bounded", 2)
    assert alive and clerks == [200] * CLERKS, clerks
    assert set(flood) == {401}
    # Control: the same flood with six verifications at once breaks real sign-ins.
    clerks, flood, alive = await _flood(secure_nats, tmp_path / "unbounded", 6)
    assert clerks != [200] * CLERKS or set(flood) != {401}, (clerks, flood)
