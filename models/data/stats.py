"""Write models/data/STATS.md from the built benchmark, beside the paper's published figures."""

from __future__ import annotations

import collections
import json
import re
import statistics
from pathlib import Path

from .corpus import LEAKAGE_RULES
from . import split_overlap
from .paths import BENCH_DIR, CORPUS_DIR, DATA_DIR, SOURCES_CACHE
from .tasks import KINDS

SPLITS = ("train", "ir_val", "ir_test", "cr_val", "cr_test")
_LEXEME = re.compile(r"\w+|[^\w\s]")
# The paper's RepoPeftBench (arXiv 2606.06492, abstract and DESIGN.md section 2); its other Table 7 cells were
# not available on this machine.
SUITES_ORDER = ["bookworm", "bullseye", "trixie", "sid"]
PAPER = {"repositories": "604", "static_train": "40K", "static_test": "12K", "evolution_train": "215K",
         "evolution_test": "87K", "median_target_tokens": "~3 (BPE)"}


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}" if values else "-"


def _task_table(tasks: list[dict[str, object]]) -> list[str]:
    counts = collections.Counter((str(t["split"]), str(t["kind"])) for t in tasks)
    rows = ["| split | " + " | ".join(KINDS) + " | all |", "|---" * (len(KINDS) + 2) + "|"]
    for split in SPLITS:
        cells = [counts[(split, k)] for k in KINDS]
        rows.append(f"| {split} | " + " | ".join(str(c) for c in cells) + f" | {sum(cells)} |")
    total = [sum(counts[(s, k)] for s in SPLITS) for k in KINDS]
    rows.append("| all | " + " | ".join(str(c) for c in total) + f" | {sum(total)} |")
    return rows


def _lengths(tasks: list[dict[str, object]]) -> list[str]:
    prefix_chars = [len(str(t["prefix"])) for t in tasks]
    prefix_lines = [str(t["prefix"]).count("\n") + 1 for t in tasks]
    target_chars = [len(str(t["target"])) for t in tasks]
    target_lex = [len(_LEXEME.findall(str(t["target"]))) for t in tasks]
    return [f"- median prefix: {_median(prefix_chars)} characters, {_median(prefix_lines)} lines",
            f"- median target: {_median(target_chars)} characters, {_median(target_lex)} Python lexemes "
            f"(paper: {PAPER['median_target_tokens']})"]


def acquisition_counts() -> dict[str, int]:
    statuses = [json.loads(p.read_text()) for p in SOURCES_CACHE.glob("*/*/status.json")]
    usable = [s for s in statuses if s.get("usable")]
    counts = {"attempted_versions": len(statuses), "attempted_packages": len({s["package"] for s in statuses}),
              "downloaded_versions": len(usable), "downloaded_packages": len({s["package"] for s in usable})}
    # By the oldest suite that lists the version (the order in which acquire tries them).
    for suite in SUITES_ORDER:
        in_suite = [s for s in statuses if min(s["suites"], key=SUITES_ORDER.index) == suite]
        counts[f"tried_{suite}"] = len(in_suite)
        counts[f"usable_{suite}"] = sum(bool(s.get("usable")) for s in in_suite)
    return counts


def write_stats(path: Path = DATA_DIR / "STATS.md") -> str:
    repos = _jsonl(BENCH_DIR / "repos.jsonl")
    static = _jsonl(BENCH_DIR / "static.jsonl")
    evolution = _jsonl(BENCH_DIR / "evolution.jsonl")
    seqs = _jsonl(BENCH_DIR / "sequences.jsonl")
    acq = acquisition_counts()
    by_split = collections.Counter(str(r["split"]) for r in repos)
    loc = [int(r["production_lines"]) for r in repos]  # type: ignore[arg-type]
    per_repo = [int(r["tasks"]) for r in repos]  # type: ignore[arg-type]
    static_test = sum(1 for t in static if str(t["split"]) in ("ir_test", "cr_test"))
    evo_test = sum(1 for t in evolution if str(t["split"]) in ("ir_test", "cr_test"))
    lines = [
        "# RepoPeftBench-Deb statistics",
        "",
        "Written by `/usr/bin/python3 -m models.data.build` (models/data/stats.py); do not edit by hand.",
        "",
        "## Acquisition",
        "",
        f"- source package versions tried: {acq['attempted_versions']} ({acq['attempted_packages']} packages)",
        f"- downloaded and verified against their .dsc: {acq['downloaded_versions']} versions "
        f"({acq['downloaded_packages']} packages); the rest are not served by this machine's mirror",
        "- by the oldest suite listing the version (tried -> downloaded): " + ", ".join(
            f"{s} {acq['tried_' + s]} -> {acq['usable_' + s]}" for s in SUITES_ORDER)
        + "; the archive here serves mostly the bookworm-era tarballs (measured, not chosen)",
        f"- repositories with at least 10 static tasks (the benchmark): {len(repos)}",
        "",
        "## Overview (paper figures beside ours)",
        "",
        "| | ours | paper |",
        "|---|---|---|",
        f"| repositories | {len(repos)} (train {by_split['train']}, cr_val {by_split['cr_val']}, "
        f"cr_test {by_split['cr_test']}) | {PAPER['repositories']} |",
        f"| static tasks train / test | {sum(1 for t in static if t['split'] == 'train')} / {static_test} | "
        f"{PAPER['static_train']} / {PAPER['static_test']} |",
        f"| evolution tasks train / test | {sum(1 for t in evolution if t['split'] == 'train')} / {evo_test} | "
        f"{PAPER['evolution_train']} / {PAPER['evolution_test']} |",
        f"| production lines of code per repository (median / total) | {_median(loc)} / {sum(loc)} | - |",
        f"| static tasks per repository (median / max; capped at 500) | {_median(per_repo)} / "
        f"{max(per_repo, default=0)} | - |",
        f"| static tasks before the per-repository cap | "
        f"{sum(int(r.get('tasks_before_cap', r['tasks'])) for r in repos)} | - |",  # type: ignore[arg-type]
        "",
        "## Static track: tasks per split and kind",
        "",
        *_task_table(static),
        "",
        *_lengths(static),
        "- in-repository splits: a training repository's test file goes whole to train, ir_val or ir_test (8:1:1, a "
        "seeded hash of repository and path; models/data/splits.py), the same draw in the evolution track; "
        f"{sum(int(r.get('train_tasks_left_out', 0)) for r in repos)} train tasks of the two tracks are left out "  # type: ignore[arg-type]
        "because their prompt holds an IR val or test assertion copied into another file (models/data/held_statements.py)",
        "",
        "## Evolution track",
        "",
    ]
    prov = collections.Counter(str(s["provenance"]) for s in seqs)
    steps = collections.Counter()
    for s in seqs:
        steps[str(s["provenance"])] += int(s["steps"])  # type: ignore[arg-type]
    for p in sorted(prov):
        ptasks = [t for t in evolution if str(t["commit"]).startswith(p + ":")]
        lines.append(f"- provenance `{p}`: {prov[p]} sequences, {steps[p]} steps, {len(ptasks)} tasks")
    lines += ["", *_task_table(evolution), "", *_lengths(evolution), ""]
    for p in sorted(prov):
        ptasks = [t for t in evolution if str(t["commit"]).startswith(p + ":")]
        lines += [f"### provenance `{p}`", "", *_task_table(ptasks), ""]
    manifest_path = CORPUS_DIR / "corpus_manifest.json"
    if manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        lines += ["## Pretraining corpus", "",
                  f"- {m['files']} files, {m['bytes'] / 1e6:.1f} MB of Python text, {m['packages']} packages "
                  f"from {m['sources']} source packages; by origin: {m['files_by_origin']}",
                  f"- rules it was built with: {m['leakage_rules']}"]
        leak_path = BENCH_DIR / "leakage.json"
        if leak_path.exists():
            leak = json.loads(leak_path.read_text())
            lines.append(f"- leakage check (exact content): {leak['benchmark_test_files_in_corpus']} corpus files "
                         f"equal a benchmark test file, {leak['cr_production_files_in_corpus']} equal a production "
                         f"file of a cross-repo val/test repository (current rules: {LEAKAGE_RULES})")
        tokens_path = CORPUS_DIR.parent / "lm" / "tokens" / "tokens.json"  # written by the LM stage, if run
        if tokens_path.exists():
            t = json.loads(tokens_path.read_text())
            cpt = float(t.get("chars_per_token", 0) or 0)
            lines.append(f"- tokens: the LM stage tokenised a {t.get('sample_percent')}% sample to "
                         f"{t['splits']['train']['tokens']} training tokens at {cpt:.2f} characters a token; "
                         f"the whole corpus is about {m['bytes'] / cpt / 1e6:.0f}M tokens" if cpt else "")
        lines.append("")
    text = "\n".join(lines)
    # The histories track writes its own section (models/data/histories/stats.py); a rebuild here keeps it.
    old = path.read_text() if path.exists() else ""
    kept = kept_section(old) + split_overlap.kept_section(old)
    path.write_text(text + (("\n" + kept) if kept else ""))
    return text


SECTION_START = "<!-- histories track: models/data/histories/stats.py -->"
SECTION_END = "<!-- end of the histories track -->"


def kept_section(text: str) -> str:
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    return text[start:end + len(SECTION_END)] + "\n" if 0 <= start < end else ""
