"""`python -m madoguchi.translation`"""

from __future__ import annotations

from madoguchi.shared.runtime import run
from madoguchi.translation.service import setup
from madoguchi.translation.settings import TranslationSettings


def main() -> None:
    settings = TranslationSettings()
    run("translation", settings, setup(settings))


if __name__ == "__main__":
    main()
