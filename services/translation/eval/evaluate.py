"""The meaning check on its corpus (meaning_corpus.py): `make eval`.

Per split: recall on triples with a planted change (any warning counts: the tablet asks staff to
look), the false-alarm rate on faithful triples, recall per planted kind, and the chrF of
faithful back-translations (what the drift threshold was calibrated on, dev split only).
Writes bench/results/meaning_eval.json.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from meaning_corpus import Triple, build  # the sibling module: this folder is run as a script

from madoguchi.translation.meaning import check
from madoguchi.translation.meaning.check import DRIFT_CHRF
from madoguchi.translation.meaning.terms import glossary_terms

TARGETS = {"recall_changed": 0.95, "false_alarm_rate": 0.05}


def score(triples: list[Triple]) -> dict[str, Any]:
    terms = glossary_terms()
    caught: dict[str, list[bool]] = defaultdict(list)
    alarms: list[bool] = []
    alarm_kinds: dict[str, int] = defaultdict(int)
    chrfs: list[float] = []
    for t in triples:
        result = check(t.source_language, t.source_text, t.target_language, t.target_text,
                       t.back_translation, terms)
        if t.change is None:
            alarms.append(not result.ok)
            for w in result.warnings:
                alarm_kinds[w.kind] += 1
            if result.chrf is not None:
                chrfs.append(result.chrf)
        else:
            caught[t.change].append(not result.ok)
    changed = [hit for hits in caught.values() for hit in hits]
    return {
        "faithful": len(alarms), "changed": len(changed),
        "recall_changed": round(sum(changed) / max(1, len(changed)), 4),
        "false_alarm_rate": round(sum(alarms) / max(1, len(alarms)), 4),
        "recall_by_change": {k: round(sum(v) / len(v), 4) for k, v in sorted(caught.items())},
        "false_alarms_by_kind": dict(sorted(alarm_kinds.items())),
        "faithful_back_translation_chrf": {
            "min": min(chrfs), "p05": round(statistics.quantiles(chrfs, n=20)[0], 2),
            "median": round(statistics.median(chrfs), 2)} if len(chrfs) > 1 else None,
    }


def main(out: Path) -> None:
    triples = build()
    report = {"targets": TARGETS, "drift_chrf_threshold": DRIFT_CHRF, "triples": len(triples),
              "splits": {split: score([t for t in triples if t.split == split])
                         for split in ("dev", "test")},
              "note": "written for this corpus; dev looked at while calibrating, test only "
                      "evaluated; planted changes are typical model slips, real ones vary more"}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(report["splits"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
