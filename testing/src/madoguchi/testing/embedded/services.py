"""Run real service processes (`python -m madoguchi.<service>`) against a test NATS server.

The same environment builder serves the local stack (`madoguchi up`), so a test exercises the
process exactly as it is deployed: prod mode, TLS, the service's own NATS user. Fault tests use
`kill()` (SIGKILL), `pause()`/`resume()` (SIGSTOP/SIGCONT) and `restart()`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from madoguchi.shared.settings import NatsSettings
from madoguchi.testing.embedded.child import ChildProcess
from madoguchi.testing.embedded.ports import die_with_parent, free_port


def service_env(
    service: str, nats: NatsSettings, http_port: int, extra: Mapping[str, str] | None = None,
    *, mode: str = "prod",
) -> dict[str, str]:
    """Environment for one service process; `extra` keys are relative to the service prefix
    (`{"DATABASE__DSN": ...}` becomes `MADOGUCHI_AUDIT_DATABASE__DSN`). `mode` is
    `MADOGUCHI_ENV`: "test" only where a test needs a test-only switch (the translation fixture
    model), still with TLS and the service's own NATS user."""
    prefix = f"MADOGUCHI_{service.upper()}_"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env |= {
        "MADOGUCHI_ENV": mode,  # prod by default: real TLS and secrets, no dev shortcuts
        f"{prefix}NATS__URL": nats.url,
        f"{prefix}NATS__USER": nats.user or service,
        f"{prefix}NATS__PASSWORD": nats.password.get_secret_value() if nats.password else "",
        f"{prefix}HTTP__PORT": str(http_port),
        "HF_HUB_OFFLINE": "1",
    }
    if nats.ca_file is not None:
        env[f"{prefix}NATS__CA_FILE"] = str(nats.ca_file)
    env |= {f"{prefix}{key}": value for key, value in (extra or {}).items()}
    return env


class ServiceProcess(ChildProcess):
    """One service process; health on a free loopback port; output to `log_file`."""

    def __init__(self, service: str, nats: NatsSettings, log_dir: Path,
                 extra_env: Mapping[str, str] | None = None, *, mode: str = "prod") -> None:
        self.service = service
        self.mode = mode
        self.nats = nats
        self.extra_env = dict(extra_env or {})
        self.http_port = free_port()
        self.log_file = log_dir / f"{service}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, wait_ready: float = 120.0) -> ServiceProcess:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"madoguchi.{self.service}"],
                env=service_env(self.service, self.nats, self.http_port, self.extra_env,
                                mode=self.mode),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=die_with_parent,
            )
        if wait_ready:
            self.wait_ready(wait_ready)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service} exited {self.process.returncode}; "
                                   f"see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.service} not ready after {timeout}s; see {self.log_file}")

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.process is None:
            return None
        self.resume()  # a paused process cannot act on SIGTERM
        self.terminate(signal.SIGTERM, timeout)
        return self.process.returncode

    def restart(self, wait_ready: float = 120.0) -> ServiceProcess:
        self.kill()
        return self.start(wait_ready)
