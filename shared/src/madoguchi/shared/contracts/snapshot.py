"""JSON Schema snapshots of every event, committed under `shared/schemas/events/`.

A contract change is a decision other parts (the tablet app, acceptance checks) depend on, so
the test suite fails until the new snapshot is written (`make schemas`) and reviewed in the diff.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from madoguchi.shared.contracts.events import ALL_EVENTS

SNAPSHOT_DIR = Path(__file__).resolve().parents[4] / "schemas" / "events"


def current_schemas() -> dict[str, str]:
    schemas = {}
    for event in ALL_EVENTS:
        schema = event.model_json_schema(mode="serialization")
        schema["x-subject"] = event.SUBJECT
        schemas[f"{event.schema_name()}.json"] = (
            json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    return schemas


def diff_against_snapshots(directory: Path = SNAPSHOT_DIR) -> list[str]:
    current = current_schemas()
    problems = []
    for name, text in current.items():
        path = directory / name
        if not path.exists():
            problems.append(f"{name}: no snapshot")
        elif path.read_text() != text:
            problems.append(f"{name}: differs from snapshot")
    for path in directory.glob("*.json"):
        if path.name not in current:
            problems.append(f"{path.name}: snapshot of an event that no longer exists")
    return problems


def write_snapshots(directory: Path = SNAPSHOT_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    current = current_schemas()
    for path in directory.glob("*.json"):
        if path.name not in current:
            path.unlink()
    for name, text in current.items():
        (directory / name).write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the snapshots")
    args = parser.parse_args()
    from madoguchi.shared.contracts import asyncapi

    if args.write:
        write_snapshots()
        asyncapi.write()
        print(f"wrote {len(current_schemas())} schemas to {SNAPSHOT_DIR} and {asyncapi.SNAPSHOT}")
    else:
        problems = diff_against_snapshots()
        if asyncapi.differs():
            problems.append(f"{asyncapi.SNAPSHOT.name}: differs from the contracts")
        print("\n".join(problems) or "snapshots up to date")
        raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
