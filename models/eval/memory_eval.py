"""The base with the repository's own assertions in its prompt (models/memory), on CR val: is it worth building?

    /usr/bin/python3 -m models.eval.memory_eval [--tasks-per-repo 10] [--k 3]

Systems on the same seeded CR val sample, no adapter: the plain prompt, the memory prompt in both settings
(leave-one-out, earlier-only), and the floor (copy the best match's target) in both. Greedy, at most 64 new tokens,
stop at a newline. 95% intervals and paired tests resample repositories. Writes models/memory/VAL.md and val.json;
completions are kept (models/.cache/memory/) so a rerun decodes only what is new. Validation only: nothing here
reads a test split.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from models.base.paths import BASE_CACHE
from models.base.pins import BasePin
from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.lm.paths import MODELS_DIR
from models.lm.runtime import setup_cpu
from models.memory.prompt import memory_block, memory_prompt
from models.memory.retriever import top_k
from models.static.dataset import load_tasks
from models.static.frozen_lm import load_frozen_lm
from models.static.generate import greedy_many, stop_token_ids
from models.static.prompts import prefix_prompt
from models.static.tokens import TokenCache

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .metric import score, strict_exact_match

CACHE = MODELS_DIR / ".cache" / "memory"
OUT = MODELS_DIR / "memory"
BUDGET, QUANTUM, MAX_BLOCK, MAX_NEW, BATCH = 256, 32, 160, 64, 16


def sample(per_repo: int, seed: int) -> list[TaskRecord]:
    data = load_tasks(BENCH_DIR, {"cr_val": per_repo}, seed)
    return [t for repo in sorted(data.tasks["cr_val"]) for t in data.tasks["cr_val"][repo]]


def best_target(task: TaskRecord, pool: list[TaskRecord], earlier_only: bool) -> str:
    found = top_k(task, pool, 1, earlier_only)
    return found[0].target if found else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks-per-repo", type=int, default=10)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)
    pin = BasePin.load()
    lm, lm_id = load_frozen_lm(BASE_CACHE / pin.name / "lm.pt")
    tokens = TokenCache(BASE_CACHE / pin.name / "tokenizer.json", MODELS_DIR / ".cache" / "static" / "tokens")
    stops = stop_token_ids(tokens)
    tasks = sample(args.tasks_per_repo, args.seed)
    pools = {r: bench.static_tasks(r, BENCH_DIR) for r in sorted({str(t["repo"]) for t in tasks})}
    print(f"{len(tasks)} CR val tasks in {len(pools)} repositories", flush=True)
    texts: dict[str, dict[str, str]] = {}
    costs: dict[str, Any] = {}
    variants = {"plain": None, f"memory-k{args.k}-leave-one-out": False, f"memory-k{args.k}-earlier-only": True}
    CACHE.mkdir(parents=True, exist_ok=True)
    for name, earlier_only in variants.items():
        cached = CACHE / f"{lm_id}-{name}-{args.tasks_per_repo}-{args.seed}.json"
        if not cached.exists():
            prompts = []
            for t in tasks:
                prefix, _ = tokens.task(t)
                if earlier_only is None:
                    prompts.append(prefix_prompt(prefix, BUDGET, tokens.eot, QUANTUM))
                else:
                    block = memory_block(top_k(t, pools[str(t["repo"])], args.k, earlier_only))
                    prompts.append(memory_prompt(prefix, tokens.encode(block), BUDGET, MAX_BLOCK, tokens.eot, QUANTUM))
            start = time.time()
            out = greedy_many(lm, prompts, None, MAX_NEW, stops, BATCH)
            cached.write_text(json.dumps({
                "seconds": time.time() - start, "mean_prompt_tokens": sum(map(len, prompts)) / len(prompts),
                "texts": {str(t["id"]): tokens.decode(ids) for t, ids in zip(tasks, out)}}))
            print(f"  {name}: {time.time() - start:.0f}s", flush=True)
        stored = json.loads(cached.read_text())
        texts[name] = stored["texts"]
        costs[name] = {k: v for k, v in stored.items() if k != "texts"}
    for name, earlier_only in (("floor-leave-one-out", False), ("floor-earlier-only", True)):
        texts[name] = {str(t["id"]): best_target(t, pools[str(t["repo"])], earlier_only) for t in tasks}
    tokens.flush()
    write(texts, costs, tasks, args)


def write(texts: dict[str, dict[str, str]], costs: dict[str, Any], tasks: list[TaskRecord],
          args: argparse.Namespace) -> None:
    repos = [str(t["repo"]) for t in tasks]
    em = {n: [1.0 if score(p[str(t["id"])], str(t["target"])).exact_match else 0.0 for t in tasks] for n, p in texts.items()}
    strict = {n: [1.0 if strict_exact_match(p[str(t["id"])], str(t["target"])) else 0.0 for t in tasks]
              for n, p in texts.items()}
    result: dict[str, Any] = {"tasks": len(tasks), "repositories": len(set(repos)), "k": args.k, "costs": costs,
                              "systems": {}, "paired": {}}
    for n in texts:
        result["systems"][n] = {"exact_match": asdict(clustered_interval(em[n], repos, 2000, args.seed)),
                                "strict_exact_match": asdict(clustered_interval(strict[n], repos, 2000, args.seed))}
    for n in texts:
        for ref in ("plain", "floor-leave-one-out", "floor-earlier-only"):
            if n != ref and n.startswith("memory"):
                result["paired"][f"{n} minus {ref}"] = asdict(clustered_paired_bootstrap(em[n], em[ref], repos, 2000,
                                                                                          args.seed))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "val.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = ["# The repository's assertions in the base's prompt (CR val)", "",
             f"{len(tasks)} CR val tasks from {len(set(repos))} repositories (at most {args.tasks_per_repo} each, "
             f"seeded); the pretrained base without an adapter; the {args.k} most similar other assertions of the "
             "repository as a comment block ahead of the prefix (models/memory). 95% intervals resample "
             "repositories. Written by `models.eval.memory_eval`.", "",
             "| system | EM % [95% CI] | strict EM % | prompt tokens | seconds |", "|---|---|---|---|---|"]
    for n, row in result["systems"].items():
        e, s = row["exact_match"], row["strict_exact_match"]
        c = costs.get(n, {})
        lines.append(f"| {n} | {100 * e['mean']:.1f} [{100 * e['low']:.1f}, {100 * e['high']:.1f}] | "
                     f"{100 * s['mean']:.1f} | {c.get('mean_prompt_tokens', 0):.0f} | {c.get('seconds', 0):.0f} |")
    lines += ["", "| comparison | EM points [95% CI] | one-sided p |", "|---|---|---|"]
    for name, p in result["paired"].items():
        lines.append(f"| {name} | {100 * p['difference']:+.1f} [{100 * p['low']:.1f}, {100 * p['high']:.1f}] | "
                     f"{p['p_value']:.4f} |")
    (OUT / "VAL.md").write_text("\n".join(lines) + "\n")
    print((OUT / "VAL.md").read_text())


if __name__ == "__main__":
    main()
