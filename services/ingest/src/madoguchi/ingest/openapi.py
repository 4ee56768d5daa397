"""The tablet API contract: `python -m madoguchi.ingest.openapi --write` refreshes
`services/ingest/openapi.json` after a reviewed change; a test fails on any unreviewed one."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from madoguchi.ingest.app import create_app
from madoguchi.ingest.settings import IngestSettings

SNAPSHOT = Path(__file__).resolve().parents[3] / "openapi.json"


def document() -> dict[str, Any]:
    app = create_app(IngestSettings(env="dev"))
    spec = app.openapi()
    # The runtime adds these to every service; list them so tablets and probes see them.
    for path in ("/healthz", "/readyz"):
        spec["paths"][path] = {"get": {"summary": path.strip("/"), "responses": {
            "200": {"description": "ok"}, "503": {"description": "not ready"}}}}
    return spec


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    if "--write" in sys.argv:
        SNAPSHOT.write_text(render(), encoding="utf-8")
        print(f"wrote {SNAPSHOT}")
    else:
        sys.stdout.write(render())


if __name__ == "__main__":
    main()
