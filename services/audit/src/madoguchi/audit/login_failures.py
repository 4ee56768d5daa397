"""Refused auditor sign-ins, recorded without letting junk flood the permanent trail.

The first refusal per (account, reason) in a window is recorded before the answer (fail
closed, as every query is); later ones in the same window are only counted and recorded as one
summary row when the window closes. Names that are not accounts all count as `unknown`, so the
rows per window are bounded by the number of real accounts, whatever an attacker sends.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Record = Callable[[str | None, str, str, dict[str, object]], Awaitable[None]]
UNKNOWN = "unknown"


@dataclass
class _Window:
    opened: float
    suppressed: int = 0


class FailedLogins:
    def __init__(self, record: Record, window_s: float, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self._record = record
        self._window_s = window_s
        self._clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}

    async def refused(self, account: str | None, action: str) -> None:
        """`account`: the auditor id if it names a real account, else None."""
        await self.flush()
        key = (account or UNKNOWN, action)
        window = self._windows.get(key)
        if window is None:
            # claimed before the await, so concurrent first refusals make one row, not many
            self._windows[key] = _Window(self._clock())
            try:
                await self._record(account, action, "denied", {"aggregated": False})
            except BaseException:
                del self._windows[key]  # not recorded: the next refusal tries again
                raise
            return
        window.suppressed += 1

    async def flush(self, *, all_windows: bool = False) -> None:
        """Record a summary of each window that closed (or of all, at shutdown)."""
        now = self._clock()
        for key, window in list(self._windows.items()):
            if not all_windows and now - window.opened < self._window_s:
                continue
            if window.suppressed:
                account, action = key
                # recorded first: a database outage keeps the count for the next flush
                await self._record(None if account == UNKNOWN else account,
                                   f"{action}.summary", "denied",
                                   {"aggregated": True, "count": window.suppressed,
                                    "window_s": self._window_s,
                                    "account": account})
            del self._windows[key]
