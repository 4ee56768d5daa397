"""NATS subject filters compared as sets: the one implementation for every place that asks
"does this filter cover that one" (the AsyncAPI senders, erasure's purge plan)."""

from __future__ import annotations


def covers(pattern: str, subjects: str) -> bool:
    """Every subject that `subjects` (a NATS filter) matches is matched by `pattern` too."""
    want, have = pattern.split("."), subjects.split(".")
    for i, token in enumerate(want):
        if token == ">":
            return len(have) > i
        if i >= len(have) or have[i] == ">" or (token != "*" and token != have[i]):
            return False
    return len(want) == len(have)


def overlaps(pattern: str, subjects: str) -> bool:
    """Some subject is matched by both NATS filters."""
    want, have = pattern.split("."), subjects.split(".")
    for i, (a, b) in enumerate(zip(want, have, strict=False)):
        if ">" in (a, b):
            return True
        if a != b and "*" not in (a, b):
            return False
        if i == min(len(want), len(have)) - 1:
            return len(want) == len(have)
    return False
