"""`madoguchi redact` run as an operator would: a real process, JSON lines in and out, against
sentences of the independent corpus's dev split (values it has not seen)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "redaction" / "eval"))

import independent


@pytest.mark.slow
def test_redact_reads_json_lines_and_reports_code_point_offsets() -> None:
    samples = [s for s in independent.build("dev") if s.spans][:20:4]
    lines = [json.dumps({"text": s.text, "language": s.language}, ensure_ascii=False)
             for s in samples]
    lines.insert(2, "not json")
    done = subprocess.run([sys.executable, "-m", "madoguchi.ops", "redact"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 1  # one bad line, reported, the others still redacted
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out[2] == {"line": 3, "error": out[2]["error"]} and "not json" not in done.stdout
    answers = out[:2] + out[3:]
    assert len(answers) == len(samples)
    for sample, answer in zip(samples, answers, strict=True):
        for *_, value in sample.spans:
            assert value not in answer["text"], (sample.sample_id, answer["text"])
        for finding in answer["findings"]:  # offsets index the input's code points
            assert 0 <= finding["start"] < finding["end"] <= len(sample.text)
            assert sample.text[finding["start"]:finding["end"]].strip()
