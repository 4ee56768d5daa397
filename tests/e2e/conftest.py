"""The counter-tablet app in a real headless Chromium against real service processes.

Chromium is Debian's `/usr/bin/chromium` (`make browser`), driven by Playwright for Python —
never a browser downloaded by `playwright install`. A missing browser FAILS the tests (it is a
provisioning error, not a reason to skip): run `make browser` (as root) or
`apt-get install chromium`.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from madoguchi.recognition.testing import installed_whisper_base
from madoguchi.testing.cluster import SecureNats
from madoguchi.testing.embedded.ports import die_with_parent
from madoguchi.testing.embedded.services import ServiceProcess, service_env
from madoguchi.testing.ingest.harness import TOKEN_SECRET, Tablet, admin_client, enrol

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# 2.7 s of Japanese: 「転入届を出したいのですが。」 (services/recognition/tests/clips/clips.json)
CLIP = ROOT / "services" / "recognition" / "tests" / "clips" / "ja_tennyu.wav"
FIXTURE_MODEL = ROOT / "services" / "translation" / "tests" / "fixture_model"


def chromium_args(audio: Path) -> list[str]:
    return [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={audio}",
    ]


@pytest.fixture(scope="session")
def browser_args() -> list[str]:
    return chromium_args(CLIP)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the tablet-app e2e tests need Debian's chromium. "
                    "Run `make browser` as root (or `apt-get install -y chromium`).",
                    pytrace=False)
    return CHROMIUM


class TestModeProcess(ServiceProcess):
    """Translation with the committed fixture model, which it serves only outside prod
    (MADOGUCHI_ENV=test); still TLS and its own NATS user, as deployed."""

    def start(self, wait_ready: float = 120.0) -> ServiceProcess:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        env = service_env(self.service, self.nats, self.http_port, self.extra_env)
        env["MADOGUCHI_ENV"] = "test"
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"madoguchi.{self.service}"], env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent)
        if wait_ready:
            self.wait_ready(wait_ready)
        return self


@dataclass
class Stack:
    ingest: ServiceProcess
    tablet: Tablet
    log_dir: Path


@pytest_asyncio.fixture
async def stack(secure_nats: SecureNats, tmp_path: Path) -> AsyncIterator[Stack]:
    translation = TestModeProcess(
        "translation", secure_nats.settings_for("translation"), tmp_path / "logs",
        {"MODEL_DIR": str(FIXTURE_MODEL), "ALLOW_TEST_FIXTURE": "true"})
    async for running in _stack(secure_nats, tmp_path, translation):
        yield running


@pytest_asyncio.fixture
async def fresh_install(secure_nats: SecureNats, tmp_path: Path) -> AsyncIterator[Stack]:
    """A ward's first day: no translation model installed (an empty models directory)."""
    empty = tmp_path / "no-models"
    empty.mkdir()
    translation = ServiceProcess("translation", secure_nats.settings_for("translation"),
                                 tmp_path / "logs", {"MODELS_DIR": str(empty)})
    async for running in _stack(secure_nats, tmp_path, translation):
        yield running


async def _stack(secure_nats: SecureNats, tmp_path: Path,
                 translation: ServiceProcess) -> AsyncIterator[Stack]:
    admin = await admin_client(secure_nats)
    try:
        tablet = await enrol(admin, "tablet-e2e", "staff-e2e")
    finally:
        await admin.close()
    logs = tmp_path / "logs"
    model = installed_whisper_base()
    no_voices = tmp_path / "no-voices"  # no imported voices: the built-in ones only
    no_voices.mkdir(exist_ok=True)
    processes = [
        ServiceProcess("ingest", secure_nats.settings_for("ingest"), logs,
                       {"AUTH__TOKEN_SECRET": TOKEN_SECRET, "SSE_HEARTBEAT_S": "1",
                        # the test's counter holds translations the meaning check warns about
                        "CONFIRM__COUNTERS": '{"counter-1F-03": "warnings"}'}),
        ServiceProcess("recognition", secure_nats.settings_for("recognition"), logs,
                       {"MODELS_DIR": str(model.path.parent)}),
        translation,
        # speaks every translation (built-in voices: ja natural, en natural, others robotic);
        # loading and warming the voices takes up to about a minute
        ServiceProcess("synthesis", secure_nats.settings_for("synthesis"), logs,
                       {"MODELS_DIR": str(no_voices)}),
    ]
    try:
        for process in processes:  # start all, then wait: model loading overlaps
            process.start(wait_ready=0)
        for process in processes:
            await asyncio.to_thread(process.wait_ready, 120)
        yield Stack(processes[0], tablet, logs)
    finally:
        for process in processes:
            process.stop()


@dataclass
class IngestOnly:
    ingest: ServiceProcess
    secure_nats: SecureNats


@pytest_asyncio.fixture
async def ingest_only(secure_nats: SecureNats, tmp_path: Path) -> AsyncIterator[IngestOnly]:
    """Ingest alone (enrolment and sign-in need no other stage), as deployed: TLS, own user."""
    process = ServiceProcess("ingest", secure_nats.settings_for("ingest"), tmp_path / "logs",
                             {"AUTH__TOKEN_SECRET": TOKEN_SECRET, "SSE_HEARTBEAT_S": "1"})
    try:
        await asyncio.to_thread(process.start, 120)
        yield IngestOnly(process, secure_nats)
    finally:
        process.stop()
