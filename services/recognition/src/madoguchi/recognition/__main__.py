"""`python -m madoguchi.recognition`"""

from __future__ import annotations

from madoguchi.recognition.settings import RecognitionSettings
from madoguchi.shared.runtime import run_service


def main() -> None:
    # Not implemented yet: the process connects, binds its consumer and reports health, but
    # registers no handler, so it consumes (and acknowledges) nothing it cannot process.
    run_service("recognition", RecognitionSettings())


if __name__ == "__main__":
    main()
