"""`python -m madoguchi.synthesis`"""

from __future__ import annotations

from madoguchi.shared.runtime import run
from madoguchi.synthesis.service import setup
from madoguchi.synthesis.settings import SynthesisSettings


def main() -> None:
    settings = SynthesisSettings()
    run("synthesis", settings, setup(settings))


if __name__ == "__main__":
    main()
