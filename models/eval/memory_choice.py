"""Choose how the LoRA trained on the tests-in-the-prompt format is used, by exact match on CR val (never a test split).

    /usr/bin/python3 -m models.eval.memory_choice --lm models/.cache/base/<base>/lm.pt \
      --variant published-k3=models/weights/<base>/single_memory.pt:3 --variant published-k5=...:5 [--settings loo]

A variant is a LoRA file and the number k of the repository's assertions recalled into its prompt
(models/memory). Each is decoded on a seeded CR val sample in the settings asked for (leave-one-out, earlier-only)
through the scorer's own Evaluator, so prompts, stop rules and the prediction cache are those of
models.eval.static_eval. Several processes may each decode a part (--variant, --settings); a last run with every
variant reads them back from the cache and writes models/memory/CHOICE.md and choice.json: exact match per variant
and setting with 95% intervals over repositories, and each variant paired against the first one given.

`--split cr_test` scores variants already chosen on CR val on the scorer's own CR test sample (its tasks per
repository and seed), to report what the choice gives; its report says so and is never used to choose.
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

from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.hashing import sha256_of
from models.lm.runtime import setup_cpu
from models.memory.retriever import top_k
from models.static.config import EvalConfig, MemoryConfig, StaticConfig
from models.static.dataset import StaticData, load_tasks
from models.static.paths import CONFIGS_DIR, PREDICTIONS_DIR
from models.static.session import Session, load_adapter, open_session

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .memory_floor import memory_predictions, signature
from .metric import score, strict_exact_match
from .static_eval import Evaluator, flat

OUT = Path(__file__).resolve().parents[1] / "memory"
# setting -> the scorer's system that decodes it (models.eval.static_eval.MEMORY_ADAPTER_SYSTEMS)
SETTINGS = {"loo": "single_memory", "eo": "single_memory_earlier_only"}


RETRIEVER_FLAGS = ("previous-line", "distinct-targets")


@dataclass(frozen=True)
class Variant:
    name: str
    weights: Path
    k: int
    previous_line: bool = False
    distinct_targets: bool = False

    @classmethod
    def parse(cls, spec: str) -> "Variant":
        """NAME=WEIGHTS:K[:previous-line][:distinct-targets] (the flags: models.static.config.MemoryConfig)"""
        name, _, rest = spec.partition("=")
        parts = rest.split(":")
        flags = []
        while parts and parts[-1] in RETRIEVER_FLAGS:
            flags.append(parts.pop())
        k = parts.pop() if parts else ""
        weights = ":".join(parts)
        if not name or not weights or not k.isdigit():
            raise ValueError(f"a variant is NAME=WEIGHTS:K[:previous-line][:distinct-targets], not {spec!r}")
        return cls(name, Path(weights), int(k), "previous-line" in flags, "distinct-targets" in flags)

    def memory(self, base: MemoryConfig) -> MemoryConfig:
        return dataclasses.replace(base, k=self.k, previous_line=self.previous_line,
                                   distinct_targets=self.distinct_targets)

    def retriever(self) -> str:
        return "+".join(f for f, on in zip(RETRIEVER_FLAGS, (self.previous_line, self.distinct_targets)) if on) or "-"


SPLIT_NAMES = {"cr_val": "CR val", "cr_test": "CR test"}


def sample(split: str, per_repo: int, seed: int, bench_dir: Path = BENCH_DIR) -> dict[str, list[TaskRecord]]:
    """At most per_repo seeded tasks of each repository of the split: with the scorer's cap and seed, the very
    sample models.eval.static_eval scores (each split is drawn on its own)."""
    return load_tasks(bench_dir, {split: per_repo}, seed).tasks[split]


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
    evaluator = Evaluator(session, data, dataclasses.replace(ecfg, memory=variant.memory(ecfg.memory)),
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


def floors(tasks: dict[str, list[TaskRecord]], previous_line: bool,
           bench_dir: Path = BENCH_DIR) -> dict[str, dict[str, str]]:
    """The floor (copy the retriever's top match) under one similarity, in both settings."""
    out: dict[str, dict[str, str]] = {"loo": {}, "eo": {}}
    for repo, queries in tasks.items():
        pool = bench.static_tasks(repo, bench_dir)
        out["loo"].update(memory_predictions(queries, pool, previous_line=previous_line))
        out["eo"].update(memory_predictions(queries, pool, earlier_only=True, previous_line=previous_line))
    return out


RECALL_KS = (1, 2, 3, 5, 8)


def recall_at_k(tasks: dict[str, list[TaskRecord]], previous_line: bool, settings: list[str],
                bench_dir: Path = BENCH_DIR) -> dict[str, dict[str, list[str]]]:
    """setting -> task id -> the targets of every visible match, best first: what a prompt of k recalled
    assertions offers is the first k. An answer among them bounds what copying from the block can reach; one
    anywhere in the list, what any ranking of this pool could offer."""
    out: dict[str, dict[str, list[str]]] = {s: {} for s in settings}
    for repo, queries in tasks.items():
        pool = bench.static_tasks(repo, bench_dir)
        signatures = [signature(t) for t in pool]
        for setting in settings:
            for q in queries:
                recalled = top_k(q, pool, len(pool), earlier_only=setting == "eo", signatures=signatures,
                                 previous_line=previous_line)
                out[setting][str(q["id"])] = [r.target for r in recalled]
    return out


def recall_summary(recalled: dict[str, dict[str, list[str]]], tasks: list[TaskRecord],
                   lora: dict[str, tuple[int, dict[str, dict[str, str]]]], ks: tuple[int, ...] = RECALL_KS
                   ) -> dict[str, Any]:
    """Per setting: the share of tasks whose target is among the first k recalled (exact match as scored); and, for
    each LoRA variant prompted by this retriever (name -> (its k, setting -> completions)), how its exact matches
    split between a target its block offered and one it did not."""
    out: dict[str, Any] = {}
    for setting, by_id in recalled.items():
        offered_at = {str(t["id"]): next((i for i, x in enumerate(by_id[str(t["id"])])
                                          if score(x, str(t["target"])).exact_match), None) for t in tasks}
        row: dict[str, Any] = {f"recall@{k}": float(np.mean([i is not None and i < k for i in offered_at.values()]))
                               for k in ks}
        row["anywhere"] = float(np.mean([i is not None for i in offered_at.values()]))
        for name, (k, by_setting) in lora.items():
            if setting not in by_setting:
                continue
            right = [str(t["id"]) for t in tasks if score(by_setting[setting][str(t["id"])], str(t["target"])).exact_match]
            in_block = sum(1 for i in right if (at := offered_at[i]) is not None and at < k)
            row.setdefault("lora", {})[name] = {"k": k, "exact_matches": len(right), "target_in_block": in_block,
                                                "target_not_in_block": len(right) - in_block}
        out[setting] = row
    return out


def floor_name(previous_line: bool) -> str:
    return "floor" + (" (previous-line)" if previous_line else "")


def similarity_name(previous_line: bool) -> str:
    return "cut line + test name" + (" + line above" if previous_line else "")


def write(result: dict[str, Any], variants: list[Variant], per_repo: int, stem: str = "CHOICE",
          split: str = "cr_val") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    result["definitions"] = {v.name: {"weights_sha256": sha256_of(v.weights), "k": v.k, "retriever": v.retriever()}
                             for v in variants}
    result["split"] = split
    (OUT / f"{stem.lower()}.json").write_text(json.dumps(result, indent=1) + "\n")
    first = variants[0].name
    title = ("# How the LoRA on the tests-in-the-prompt format is used: chosen on CR val" if split == "cr_val" else
             "# The LoRA on the tests-in-the-prompt format on CR test, after the choice made on CR val")
    after = ("" if split == "cr_val" else " These variants were chosen on CR val before this split was decoded; "
             "nothing here was chosen on it.")
    lines = [title, "",
             f"{result['tasks']} {SPLIT_NAMES[split]} tasks from {result['repositories']} repositories (at most "
             f"{per_repo} each, seeded); k is how many of the repository's most similar other assertions the "
             "prompt recalls; the retriever's options (models.static.config.MemoryConfig): `previous-line` adds "
             "the overlap of the lines above the cut to the similarity, `distinct-targets` recalls k different "
             "targets. A floor copies the top match under that similarity. 95% intervals resample repositories; "
             "paired against the first variant. Written by `models.eval.memory_choice`." + after, "",
             "| variant | weights sha256 | k | retriever | setting | EM % [95% CI] | strict EM % | minus " + first +
             " [95% CI] | one-sided p (not better) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, rows in result["variants"].items():
        d_ = result["definitions"].get(name, {})
        for setting, row in rows.items():
            e, s = row["exact_match"], row["strict_exact_match"]
            d = row.get("minus_first")
            diff = (f"{100 * d['difference']:+.1f} [{100 * d['low']:.1f}, {100 * d['high']:.1f}] | {d['p_value']:.4f}"
                    if d else "- | -")
            sha = f"`{d_['weights_sha256'][:12]}`" if d_ else "-"
            lines.append(f"| {name} | {sha} | {d_.get('k', 1)} | {d_.get('retriever', '-')} | {setting} | "
                         f"{100 * e['mean']:.1f} [{100 * e['low']:.1f}, {100 * e['high']:.1f}] | "
                         f"{100 * s['mean']:.1f} | {diff} |")
    lines += recall_lines(result.get("recall", {}))
    (OUT / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print((OUT / f"{stem}.md").read_text())


def recall_lines(recall: dict[str, Any]) -> list[str]:
    """What the recalled block offers: the ceiling of copying from it, and where the LoRA's exact matches come from."""
    if not recall:
        return []
    ks = [int(key.split("@")[1]) for key in next(iter(next(iter(recall.values())).values())) if key.startswith("recall@")]
    lines = ["", "## What the recalled block offers", "",
             "The share of tasks whose target (exact match as scored) is among the first k assertions the retriever "
             "recalls: what a LoRA copying from a block of k could reach at best; anywhere in the pool: what any "
             "ranking of the same assertions could offer. Then each variant's exact matches, "
             "split by whether its own block offered the target.", "",
             "| similarity | setting | " + " | ".join(f"recall@{k} %" for k in ks) + " | anywhere in the pool % |",
             "|---|---|" + "---:|" * (len(ks) + 1)]
    for similarity, by_setting in recall.items():
        for setting, row in by_setting.items():
            lines.append(f"| {similarity} | {setting} | " +
                         " | ".join(f"{100 * row[f'recall@{k}']:.1f}" for k in ks) + f" | {100 * row['anywhere']:.1f} |")
    lines += ["", "| variant | similarity | setting | k | exact matches | target in its block | not in its block |",
              "|---|---|---|---:|---:|---:|---:|"]
    for similarity, by_setting in recall.items():
        for setting, row in by_setting.items():
            for name, r in row.get("lora", {}).items():
                lines.append(f"| {name} | {similarity} | {setting} | {r['k']} | {r['exact_matches']} | "
                             f"{r['target_in_block']} | {r['target_not_in_block']} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval_smollm2.json")
    parser.add_argument("--variant", action="append", required=True,
                        help="NAME=WEIGHTS:K[:previous-line][:distinct-targets] (the first is the reference)")
    parser.add_argument("--out", default="CHOICE", help="the report's name in models/memory (NAME.md, name.json)")
    parser.add_argument("--settings", default="loo,eo", help="loo (leave-one-out), eo (earlier-only)")
    parser.add_argument("--split", choices=sorted(SPLIT_NAMES), default="cr_val",
                        help="cr_test: variants already chosen, on the scorer's CR test sample (never to choose)")
    parser.add_argument("--tasks-per-repo", type=int, default=None,
                        help="default: 12 on CR val, the scorer's cr_test_tasks_per_repo on CR test")
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
    per_repo = args.tasks_per_repo or (ecfg.cr_test_tasks_per_repo if args.split == "cr_test" else 12)
    tasks = sample(args.split, per_repo, ecfg.seed)
    print(f"{sum(map(len, tasks.values()))} {SPLIT_NAMES[args.split]} tasks in {len(tasks)} repositories", flush=True)
    start = time.time()
    texts = {v.name: decode(session, v, ecfg, tasks, settings, args.predictions / "cache", args.cached_only)
             for v in variants}
    session.tokens.flush()
    print(f"decoded or read in {time.time() - start:.0f}s", flush=True)
    if not args.no_report:
        # Under each similarity a variant used: the floor, scored beside them, and what its block offers (no decoding).
        recall: dict[str, Any] = {}
        for previous_line in sorted({v.previous_line for v in variants}):
            texts[floor_name(previous_line)] = {s: p for s, p in floors(tasks, previous_line).items() if s in settings}
            prompted = {v.name: (v.k, texts[v.name]) for v in variants
                        if v.previous_line == previous_line and not v.distinct_targets}
            recall[similarity_name(previous_line)] = recall_summary(recall_at_k(tasks, previous_line, settings),
                                                                    flat(tasks), prompted)
        write(summarize(texts, flat(tasks), ecfg.bootstrap_samples, ecfg.seed) | {"recall": recall}, variants,
              per_repo, args.out, args.split)


if __name__ == "__main__":
    main()
