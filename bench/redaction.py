"""Redaction throughput: sentences/s through the service's Detector (`redact`, all
recognisers, both languages) on the synthetic evaluation corpus (services/redaction/eval)."""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import rss_kib, summary

ROOT = Path(__file__).resolve().parents[1]


def _corpus() -> list[Any]:
    folder = ROOT / "services" / "redaction" / "eval"
    if str(folder) not in sys.path:  # corpus.py imports its sibling `sample` as a script does
        sys.path.insert(0, str(folder))
    path = folder / "corpus.py"
    spec = importlib.util.spec_from_file_location("madoguchi_redaction_eval_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return list(module.build())


def run(seconds: float = 20.0) -> dict[str, Any]:
    from madoguchi.redaction.detector import Detector

    samples = _corpus()
    random.Random(0).shuffle(samples)  # noqa: S311 - interleave languages: a short budget samples both
    before = rss_kib(os.getpid())["rss_kib"]
    started = time.perf_counter()
    detector = Detector()
    load_s = time.perf_counter() - started
    detector_rss_kib = rss_kib(os.getpid())["rss_kib"] - before
    for sample in samples[:10]:  # warm-up
        detector.redact(sample.text, sample.language)
    latencies: dict[str, list[float]] = {}
    done: Counter[str] = Counter()
    chars = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        for sample in samples:
            t = time.perf_counter()
            detector.redact(sample.text, sample.language)
            latencies.setdefault(sample.language, []).append((time.perf_counter() - t) * 1000)
            done[sample.language] += 1
            chars += len(sample.text)
            if time.perf_counter() >= deadline:
                break
    elapsed = time.perf_counter() - started
    total = sum(done.values())
    return {
        "description": "Detector.redact per sentence, synthetic corpus, one thread",
        "detector_load_s": round(load_s, 3), "corpus_sentences": len(samples),
        "sentences": total, "seconds": round(elapsed, 2),
        "sentences_per_s": total / elapsed, "chars_per_s": chars / elapsed,
        "latency_ms_by_language": {lang: summary(v) for lang, v in latencies.items()},
        "detector_rss_delta_kib": detector_rss_kib,
        "rss_note": "RSS growth of the benchmark process when the Detector loaded; the "
                    "redaction service's own RSS is in pipeline.json",
    }
