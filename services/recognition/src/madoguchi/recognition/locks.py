"""Language locking: once a visitor's language is detected surely, later utterances of that
session are forced to it (no flip-flopping between two similar languages).

Per process and bounded: a replica that has not seen the session simply detects again.
"""

from __future__ import annotations

from collections import OrderedDict


class LanguageLocks:
    def __init__(self, threshold: float, capacity: int = 10_000) -> None:
        self._threshold = threshold
        self._capacity = capacity
        self._locked: OrderedDict[str, str] = OrderedDict()

    def get(self, session_id: str) -> str | None:
        code = self._locked.get(session_id)
        if code is not None:
            self._locked.move_to_end(session_id)
        return code

    def forget(self, session_id: str) -> None:
        self._locked.pop(session_id, None)

    def offer(self, session_id: str, code: str | None, probability: float | None) -> None:
        if code is None or probability is None or probability < self._threshold:
            return
        self._locked.setdefault(session_id, code)
        self._locked.move_to_end(session_id)
        while len(self._locked) > self._capacity:
            self._locked.popitem(last=False)
