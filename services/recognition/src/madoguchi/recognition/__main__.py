"""`python -m madoguchi.recognition`"""

from __future__ import annotations

from madoguchi.recognition.service import setup
from madoguchi.recognition.settings import RecognitionSettings
from madoguchi.shared.runtime import run


def main() -> None:
    settings = RecognitionSettings()
    run("recognition", settings, setup(settings))


if __name__ == "__main__":
    main()
