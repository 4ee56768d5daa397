"""Where the time goes: py-spy samples of the service processes while the pipeline is loaded.

Run as its own step after the measured rates (sampling slows what it samples, so these runs
give no latency figure). For each process: the collapsed stacks (`profile-<service>.txt`, the
input of any flame-graph tool) and the frames holding most samples, inclusive and self.
"""

from __future__ import annotations

import asyncio
import collections
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def start(pids: dict[str, int], seconds: float, workdir: Path) -> dict[str, Any]:
    """Start one sampler per process; `finish` collects them."""
    binary = _py_spy()
    if binary is None:
        return {}
    workdir.mkdir(parents=True, exist_ok=True)
    return {name: (subprocess.Popen(
        [binary, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "100",
         "--format", "raw", "--nonblocking", "--output", str(workdir / f"{name}.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), workdir / f"{name}.txt")
        for name, pid in pids.items()}


async def finish(samplers: dict[str, Any], keep: int = 12) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for name, (process, path) in samplers.items():
        await asyncio.to_thread(process.wait, 60)
        if not path.exists():
            summary[name] = {"error": "py-spy wrote nothing (no ptrace permission?)"}
            continue
        stacks = path.read_text()
        (RESULTS / f"profile-{name}.txt").write_text(stacks)
        summary[name] = top_frames(stacks, keep)
    return summary


PLUMBING = frozenset({"<frozen runpy>", "runners.py", "base_events.py", "__main__.py"})
"""Frames every sample passes through (interpreter start, the event loop's run): left out."""


def top_frames(collapsed: str, keep: int) -> dict[str, Any]:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in {_short(f) for f in frames}:
            if _module(frame) not in PLUMBING and not frame.startswith(("run (", "main (")):
                inclusive[frame] += n
        own[_short(frames[-1])] += n
    share = (lambda n: round(n / total, 3)) if total else (lambda n: 0)
    return {"samples": total,
            "inclusive": [[f, share(n)] for f, n in inclusive.most_common(keep)],
            "self": [[f, share(n)] for f, n in own.most_common(keep)]}


def _module(short_frame: str) -> str:
    return short_frame.rpartition(" (")[2].rstrip(")")


def _short(frame: str) -> str:
    """`function (path/to/module.py:12)` -> `function (module.py)`."""
    name, _, where = frame.partition(" (")
    module = where.split(":")[0].rsplit("/", 1)[-1]
    return f"{name} ({module})" if module else name
