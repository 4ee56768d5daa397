"""`python -m madoguchi.ingest`"""

from __future__ import annotations

from madoguchi.ingest.settings import IngestSettings
from madoguchi.shared.runtime import run_service


def main() -> None:
    # Not implemented yet: the process connects, binds its consumer and reports health, but
    # registers no handler, so it consumes (and acknowledges) nothing it cannot process.
    run_service("ingest", IngestSettings())


if __name__ == "__main__":
    main()
