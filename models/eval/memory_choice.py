"""Choose how the LoRA trained on the tests-in-the-prompt format is used, by exact match on CR val (never a test split).

    /usr/bin/python3 -m models.eval.memory_choice --lm models/.cache/base/<base>/lm.pt \
      --variant published-k3=models/weights/<base>/single_memory.pt:3 --variant published-k5=...:5 [--settings loo]

A variant is a LoRA file and the number k of the repository's assertions recalled into its prompt
(models/memory). Each is decoded on a seeded CR val sample in the settings asked for (leave-one-out, earlier-only)
through the scorer's own Evaluator, so prompts, stop rules and the prediction cache are those of
models.eval.static_eval. Several processes may each decode a part (--variant, --settings); a last run with every
variant reads them back from the cache and writes models/memory/CHOICE.md and choice.json: exact match per variant
and setting with 95% intervals over repositories, and each variant paired against the first one given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np

from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.hashing import sha256_of
from models.lm.runtime import setup_cpu
from models.static.config import EvalConfig, StaticConfig
from models.static.dataset import StaticData, load_tasks
from models.static.paths import CONFIGS_DIR, PREDICTIONS_DIR
from models.static.session import Session, load_adapter, open_session

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .metric import score, strict_exact_match
from .static_eval import Evaluator, flat

OUT = Path(__file__).resolve().parents[1] / "memory"
# setting -> the scorer's system that decodes it (models.eval.static_eval.MEMORY_ADAPTER_SYSTEMS)
SETTINGS = {"loo": "single_memory", "eo": "single_memory_earlier_only"}


@dataclass(frozen=True)
class Variant:
    name: str
    weights: Path
    k: int

    @classmethod
    def parse(cls, spec: str) -> "Variant":
        """NAME=WEIGHTS:K"""
        name, _, rest = spec.partition("=")
        weights, _, k = rest.rpartition(":")
        if not name or not weights or not k.isdigit():
            raise ValueError(f"a variant is NAME=WEIGHTS:K, not {spec!r}")
        return cls(name, Path(weights), int(k))


def cr_val_sample(per_repo: int, seed: int, bench_dir: Path = BENCH_DIR) -> dict[str, list[TaskRecord]]:
    return load_tasks(bench_dir, {"cr_val": per_repo}, seed).tasks["cr_val"]


def decode(session: Session, variant: Variant, ecfg: EvalConfig, tasks: dict[str, list[TaskRecord]],
           settings: list[str], cache_dir: Optional[Path], cached_only: bool,
           bench_dir: Path = BENCH_DIR) -> dict[str, dict[str, str]]:
    """setting -> task id -> completion, for the settings decoded (or cached) for this variant; with no cache_dir,
    decoded and kept nowhere."""
    # No repository sources (RAG's) and zero embeddings: a shared LoRA ignores the embedding it is handed.
    data = StaticData(repos={}, tasks={"cr_val": tasks},
                      embeddings={r: np.zeros(session.embed_dim, dtype=np.float32) for r in tasks})
    adapter = load_adapter(variant.weights, session)
    sha = sha256_of(variant.weights)
    systems = {SETTINGS[s]: s for s in settings}
    evaluator = Evaluator(session, data, dataclasses.replace(ecfg, memory=dataclasses.replace(ecfg.memory, k=variant.k)),
                          {system: adapter for system in systems}, cache_dir, {system: sha for system in systems},
                          bench_dir)
    out: dict[str, dict[str, str]] = {}
    for system, setting in systems.items():
        predictions = evaluator.run(system, tasks, cached_only)
        if predictions is not None:
            out[setting] = predictions.texts
    return out


def summarize(texts: dict[str, dict[str, dict[str, str]]], tasks: list[TaskRecord], samples: int,
              seed: int) -> dict[str, Any]:
    """texts: variant -> setting -> completions. Paired tests are against the first variant, setting by setting."""
    repos = [str(t["repo"]) for t in tasks]
    out: dict[str, Any] = {"tasks": len(tasks), "repositories": len(set(repos)), "variants": {}}
    first = next(iter(texts))
    for name, by_setting in texts.items():
        rows: dict[str, Any] = {}
        for setting, predictions in by_setting.items():
            em = [float(score(predictions[str(t["id"])], str(t["target"])).exact_match) for t in tasks]
            strict = [float(strict_exact_match(predictions[str(t["id"])], str(t["target"]))) for t in tasks]
            row: dict[str, Any] = {"exact_match": asdict(clustered_interval(em, repos, samples, seed)),
                                   "strict_exact_match": asdict(clustered_interval(strict, repos, samples, seed))}
            if name != first and setting in texts[first]:
                ref = [float(score(texts[first][setting][str(t["id"])], str(t["target"])).exact_match) for t in tasks]
                row["minus_first"] = asdict(clustered_paired_bootstrap(em, ref, repos, samples, seed))
            rows[setting] = row
        out["variants"][name] = rows
    return out


def write(result: dict[str, Any], variants: list[Variant], per_repo: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    result["definitions"] = {v.name: {"weights_sha256": sha256_of(v.weights), "k": v.k} for v in variants}
    (OUT / "choice.json").write_text(json.dumps(result, indent=1) + "\n")
    first = variants[0].name
    lines = ["# How the LoRA on the tests-in-the-prompt format is used: chosen on CR val", "",
             f"{result['tasks']} CR val tasks from {result['repositories']} repositories (at most {per_repo} each, "
             "seeded); k is how many of the repository's most similar other assertions the prompt recalls. "
             "95% intervals resample repositories; paired against the first variant. Written by "
             "`models.eval.memory_choice`.", "",
             "| variant | weights sha256 | k | setting | EM % [95% CI] | strict EM % | minus " + first +
             " [95% CI] | one-sided p (not better) |",
             "|---|---|---|---|---|---|---|---|"]
    for v in variants:
        for setting, row in result["variants"][v.name].items():
            e, s = row["exact_match"], row["strict_exact_match"]
            d = row.get("minus_first")
            diff = (f"{100 * d['difference']:+.1f} [{100 * d['low']:.1f}, {100 * d['high']:.1f}] | {d['p_value']:.4f}"
                    if d else "- | -")
            lines.append(f"| {v.name} | `{result['definitions'][v.name]['weights_sha256'][:12]}` | {v.k} | {setting} | "
                         f"{100 * e['mean']:.1f} [{100 * e['low']:.1f}, {100 * e['high']:.1f}] | "
                         f"{100 * s['mean']:.1f} | {diff} |")
    (OUT / "CHOICE.md").write_text("\n".join(lines) + "\n")
    print((OUT / "CHOICE.md").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval_smollm2.json")
    parser.add_argument("--variant", action="append", required=True, help="NAME=WEIGHTS:K (the first is the reference)")
    parser.add_argument("--settings", default="loo,eo", help="loo (leave-one-out), eo (earlier-only)")
    parser.add_argument("--tasks-per-repo", type=int, default=12)
    parser.add_argument("--predictions", type=Path, default=PREDICTIONS_DIR)
    parser.add_argument("--cached-only", action="store_true", help="decode nothing; report what is cached")
    parser.add_argument("--no-report", action="store_true", help="decode only (another process writes the report)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)
    variants = [Variant.parse(s) for s in args.variant]
    settings = [s for s in args.settings.split(",") if s]
    unknown = [s for s in settings if s not in SETTINGS]
    if unknown:
        parser.error(f"unknown settings {unknown}: choose from {sorted(SETTINGS)}")
    ecfg = EvalConfig.load(args.eval_config)
    session = open_session(args.lm, StaticConfig.load(args.config))
    tasks = cr_val_sample(args.tasks_per_repo, ecfg.seed)
    print(f"{sum(map(len, tasks.values()))} CR val tasks in {len(tasks)} repositories", flush=True)
    start = time.time()
    texts = {v.name: decode(session, v, ecfg, tasks, settings, args.predictions / "cache", args.cached_only)
             for v in variants}
    session.tokens.flush()
    print(f"decoded or read in {time.time() - start:.0f}s", flush=True)
    if not args.no_report:
        write(summarize(texts, flat(tasks), ecfg.bootstrap_samples, ecfg.seed), variants, args.tasks_per_repo)


if __name__ == "__main__":
    main()
