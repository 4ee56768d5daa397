"""PNG plots from bench/results/*.json (matplotlib, headless). Missing sections are skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _load(results: Path, name: str) -> dict[str, Any] | None:
    path = results / f"{name}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return None if "error" in data else data


def _pipeline(data: dict[str, Any], out: Path, name: str = "pipeline") -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    rates = list(data["rates"])
    for q, offset in (("p50", -0.25), ("p95", 0.0), ("p99", 0.25)):
        values = [data["rates"][r]["latency_from_accepted_ms"].get(q, 0) for r in rates]
        left.bar([i + offset for i in range(len(rates))], values, width=0.25, label=q)
    left.set_xticks(range(len(rates)), [f"{r}/s" for r in rates])
    left.set_ylabel("ms, upload accepted -> translated (SSE)")
    left.set_title(f"{name}: instant engines", fontsize=9)
    left.legend()
    steps = data["search"]
    xs = [s["offered_rate"] for s in steps]
    right.plot(xs, [s["latency_from_sent_ms"].get("p95", 0) for s in steps], "o-", label="p95")
    right.plot(xs, [s["latency_from_sent_ms"].get("p50", 0) for s in steps], "o-", label="p50")
    for s in steps:
        if not s["sustained"]:
            right.annotate("not sustained", (s["offered_rate"],
                                             s["latency_from_sent_ms"].get("p95", 0)))
    right.set_yscale("log")
    right.set_xlabel("offered utterances/s")
    right.set_ylabel("ms (log)")
    right.set_title(f"Rate search; max sustained: {data['max_sustained_rate']}/s")
    right.legend()
    fig.tight_layout()
    path = out / f"{name}.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _recognition(data: dict[str, Any], out: Path) -> Path:
    clips = data["recognition"]["clips"]
    names = list(clips)
    fig, ax = plt.subplots(figsize=(10, 4))
    for key, offset in (("raw_ms", -0.27), ("engine_ms", 0.0), ("service_ms", 0.27)):
        ax.bar([i + offset for i in range(len(names))], [clips[n].get(key, 0) for n in names],
               width=0.27, label=key.removesuffix("_ms"))
    ax.set_xticks(range(len(names)), [f"{n}\n{clips[n]['audio_s']:.1f}s" for n in names],
                  fontsize=8)
    ax.set_ylabel("ms (median)")
    rec = data["recognition"]
    ax.set_title(f"Recognition: raw faster-whisper vs engine vs service "
                 f"(service/raw {rec.get('service_over_raw', 0):.2f})")
    ax.legend()
    fig.tight_layout()
    path = out / "recognition.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _translation_e2e(data: dict[str, Any], out: Path) -> Path:
    tr = data["translation"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    keys = ["raw_forward_ms", "engine_forward_ms", "raw_round_trip_ms", "pipeline_ms",
            "service_ms", "memory_hit_service_ms"]
    keys = [k for k in keys if k in tr]
    left.bar(range(len(keys)), [tr[k]["p50"] for k in keys], label="p50")
    left.scatter(range(len(keys)), [tr[k]["p95"] for k in keys], color="k", label="p95",
                 zorder=3)
    left.set_xticks(range(len(keys)), [k.removesuffix("_ms") for k in keys], rotation=30,
                    fontsize=8)
    left.set_ylabel("ms per sentence")
    left.set_title("Translation (fixture model)")
    left.legend()
    e2e = data.get("end_to_end")
    if e2e:
        for key in ("upload_to_transcribed_ms", "upload_to_translated_ms"):
            s = e2e[key]
            right.bar(key.removesuffix("_ms"), s["p50"], label=f"{key} p50")
            right.scatter([key.removesuffix("_ms")], [s["p95"]], color="k", zorder=3)
        right.set_ylabel("ms (bar p50, dot p95)")
        right.set_title(f"Real models end to end: {e2e['clip']} ({e2e['audio_s']:.1f}s), "
                        f"n={e2e['runs']}", fontsize=9)
    fig.tight_layout()
    path = out / "translation_e2e.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _memory(sections: dict[str, dict[str, Any]], out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(14, 4.5))
    labels, idle, load = [], [], []
    for section, data in sections.items():
        rss = data.get("rss_kib")
        if not rss:
            continue
        for name in rss["idle"]:
            labels.append(f"{name}\n({section})")
            idle.append(rss["idle"][name] / 1024)
            load.append(rss["under_load_peak"][name] / 1024)
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], idle, width=0.4, label="idle RSS")
    ax.bar([x + 0.2 for x in xs], load, width=0.4, label="peak RSS under load")
    ax.set_xticks(list(xs), labels, fontsize=8)
    ax.set_ylabel("MiB")
    ax.set_title("Service memory (pipeline: instant engines; stages: real models)")
    ax.legend()
    fig.tight_layout()
    path = out / "memory.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _audit_redaction(audit: dict[str, Any] | None, redaction: dict[str, Any] | None,
                     out: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    if audit:
        names = list(audit["insert"])
        left.bar(names, [audit["insert"][n]["inserts_per_s"] for n in names])
        left.set_ylabel("inserts/s (hash-chained)")
        left.set_title(f"Audit; verify {audit['verify_s_per_1m_extrapolated']:.1f} s/1M rows "
                       "(extrapolated)", fontsize=9)
    if redaction:
        langs = redaction["latency_ms_by_language"]
        right.bar(list(langs), [langs[k]["p50"] for k in langs], label="p50")
        right.scatter(list(langs), [langs[k]["p95"] for k in langs], color="k", label="p95",
                      zorder=3)
        right.set_ylabel("ms per sentence")
        right.set_title(f"Redaction: {redaction['sentences_per_s']:.1f} sentences/s", fontsize=9)
        right.legend()
    fig.tight_layout()
    path = out / "audit_redaction.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def render(results: Path) -> list[Path]:
    made = []
    pipeline, stages = _load(results, "pipeline"), _load(results, "stages")
    audit, redaction = _load(results, "audit"), _load(results, "redaction")
    if pipeline:
        made.append(_pipeline(pipeline, results))
        if "full_stack" in pipeline:
            made.append(_pipeline(pipeline["full_stack"], results, "pipeline_full_stack"))
    if stages:
        made.append(_recognition(stages, results))
        made.append(_translation_e2e(stages, results))
    sections = {k: v for k, v in (("pipeline", pipeline), ("stages", stages)) if v}
    if pipeline and "full_stack" in pipeline:
        sections["full stack"] = pipeline["full_stack"]
    if sections:
        made.append(_memory(sections, results))
    if audit or redaction:
        made.append(_audit_redaction(audit, redaction, results))
    return made
