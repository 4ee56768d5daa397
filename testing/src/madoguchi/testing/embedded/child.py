"""A process the harness started (a server, a service): signalled the way fault tests and
crashes signal it, in one place."""

from __future__ import annotations

import os
import subprocess
from signal import SIGCONT, SIGKILL, SIGSTOP, Signals


class ChildProcess:
    process: subprocess.Popen[bytes] | None = None

    def signal(self, sig: Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL, as a crash would: no flush, no goodbye."""
        self.signal(SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    def terminate(self, sig: Signals, timeout: float) -> None:
        """Ask it to stop with `sig`; if it has not after `timeout` seconds, SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def pause(self) -> None:
        self.signal(SIGSTOP)

    def resume(self) -> None:
        self.signal(SIGCONT)
