"""`python -m madoguchi.translation`"""

from __future__ import annotations

from madoguchi.shared.runtime import run_service
from madoguchi.translation.settings import TranslationSettings


def main() -> None:
    # Not implemented yet: the process connects, binds its consumer and reports health, but
    # registers no handler, so it consumes (and acknowledges) nothing it cannot process.
    run_service("translation", TranslationSettings())


if __name__ == "__main__":
    main()
