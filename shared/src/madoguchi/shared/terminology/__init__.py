"""The counter's administrative terms (転入届, 住民票 ...), one file for every service.

Translation enforces their approved renderings (`madoguchi.translation.glossary`); recognition
biases Whisper towards them and corrects near-misses by reading (`madoguchi.recognition.
vocabulary`). Standard library only: the translation fixture's training script reads it too.
"""

from __future__ import annotations

from pathlib import Path

GLOSSARY_FILE = Path(__file__).parent / "glossary.json"
