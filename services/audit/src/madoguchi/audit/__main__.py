"""`python -m madoguchi.audit`"""

from __future__ import annotations

from madoguchi.audit.settings import AuditSettings
from madoguchi.shared.runtime import run_service


def main() -> None:
    # Not implemented yet: the process connects, binds its consumer and reports health, but
    # registers no handler, so it consumes (and acknowledges) nothing it cannot process.
    run_service("audit", AuditSettings())


if __name__ == "__main__":
    main()
