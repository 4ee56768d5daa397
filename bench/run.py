"""`make bench`: every section in one run, results in bench/results/*.json, plots as PNG.

`python -m bench.run [--only pipeline,stages,audit,redaction,synthesis] [--e2e-runs 20]`
Sections run one after another (never in parallel: they would share the 2 cores and measure
each other). A failing section is recorded as an error and the others still run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench.common import RESULTS, write_result

SECTIONS = ("pipeline", "stages", "audit", "redaction", "synthesis")


async def _section(name: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    if name == "pipeline":
        from bench import pipeline

        return await pipeline.run(workdir)
    if name == "stages":
        from bench import stages

        return await stages.run(workdir, e2e_runs=args.e2e_runs, repeats=args.repeats)
    if name == "audit":
        from bench import audit

        return await audit.run(workdir, seconds=args.audit_seconds)
    if name == "redaction":
        from bench import redaction

        return redaction.run(seconds=args.redaction_seconds)
    if name == "synthesis":
        from bench import synthesis

        return await synthesis.run(workdir)
    raise ValueError(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--e2e-runs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--audit-seconds", type=float, default=40.0)
    parser.add_argument("--redaction-seconds", type=float, default=20.0)
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args()
    timings: dict[str, float] = {}
    for name in args.only.split(","):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"madoguchi-bench-{name}-") as tmp:
            try:
                data = asyncio.run(_section(name, Path(tmp), args))
            except Exception as exc:
                traceback.print_exc()
                data = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        timings[name] = round(time.perf_counter() - started, 1)
        data["section_wall_s"] = timings[name]
        path = write_result(name, data)
        print(f"[bench] {name}: {timings[name]} s -> {path}", flush=True)
    if not args.no_plots:
        from bench import plots

        for path in plots.render(RESULTS):
            print(f"[bench] plot {path}", flush=True)
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
