"""A running service process under a memory limit, as a container's would be (sign-in floods).

`RLIMIT_DATA` is set on the running process a little above its resting data segment: where a
cgroup limit would OOM-kill the pod, allocations fail instead, which the attack tests observe as
refused sign-ins or a dead process.
"""

from __future__ import annotations

import asyncio
import resource
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def vm_data(pid: int) -> int:
    """The process's data segment now (bytes): what `RLIMIT_DATA` counts."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmData")


def cap_data_segment(pid: int, headroom: int) -> None:
    limit = vm_data(pid) + headroom
    resource.prlimit(pid, resource.RLIMIT_DATA, (limit, limit))


async def flood(url: str, bad: Request, good: list[Request], count: int = 100,
                ) -> tuple[list[int], list[int], bool]:
    """`count` bad sign-ins at once with the good ones in the middle: (the good ones' status
    codes, the flood's, whether the process still answers /healthz)."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        half = count // 2
        answers = await asyncio.gather(*(bad(http) for _ in range(half)),
                                       *(g(http) for g in good),
                                       *(bad(http) for _ in range(count - half)))
        codes = [r.status_code for r in answers]
        alive = (await http.get("/healthz")).status_code == 200
    return codes[half:half + len(good)], codes[:half] + codes[half + len(good):], alive
