"""Choose the base LM: every candidate (model x prompt format) on the same seeded CR val sample, no adapter.

    /usr/bin/python3 -m models.eval.base_choice [--config models/configs/base_choice.json] [--only NAME]

Writes models/base/CHOICE.md and models/base/choice.json: exact match (the paper's lenient measure and a strict
one), EditSim, 95% intervals by resampling repositories, each candidate paired against the best, the
repository-memory floor on the same tasks, and what each candidate cost (seconds, prompt tokens). Greedy decoding,
at most max_new_tokens, stop at a newline. Predictions are kept per candidate (models/.cache/base_choice/), so a
rerun scores only what is new.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.lm.paths import MODELS_DIR, REPO_DIR
from models.lm.runtime import setup_cpu
from models.static.dataset import load_tasks
from models.static.frozen_lm import load_frozen_lm
from models.static.generate import greedy_many, stop_token_ids
from models.static.prompts import headed_prompt
from models.static.tokens import TokenCache

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .memory_floor import memory_predictions
from .metric import score, strict_exact_match

CACHE = MODELS_DIR / ".cache"
PREDICTIONS = CACHE / "base_choice"
OUT_JSON = MODELS_DIR / "base" / "choice.json"
OUT_MD = MODELS_DIR / "base" / "CHOICE.md"

# Prompt formats: a header before the prefix, from the task's repository and path.
FORMATS: dict[str, Callable[[TaskRecord], str]] = {
    "plain": lambda t: "",
    "path": lambda t: f"# {t['path']}\n",
    # The StarCoder-style file marker in SmolLM2's vocabulary (its pretraining code data carried such metadata).
    "filename_token": lambda t: f"<filename>{t['path']}\n",
}


@dataclass(frozen=True)
class Candidate:
    name: str
    lm: Path
    tokenizer: Path
    format: str
    prompt_budget: int

    @classmethod
    def from_dict(cls, v: dict[str, Any]) -> "Candidate":
        if "base" in v:
            folder = CACHE / "base" / v["base"]
            lm, tokenizer = folder / "lm.pt", folder / "tokenizer.json"
        else:
            lm, tokenizer = CACHE / v["lm"], REPO_DIR / v["tokenizer"]
        if v["format"] not in FORMATS:
            raise ValueError(f"unknown prompt format {v['format']!r} (one of {sorted(FORMATS)})")
        return cls(v["name"], lm, tokenizer, v["format"], int(v["prompt_budget"]))


def sample(config: dict[str, Any], bench_dir: Path) -> list[TaskRecord]:
    data = load_tasks(bench_dir, {config["split"]: config["tasks_per_repo"]}, config["seed"])
    return [t for repo in sorted(data.tasks[config["split"]]) for t in data.tasks[config["split"]][repo]]


def predict(candidate: Candidate, tasks: list[TaskRecord], config: dict[str, Any]) -> dict[str, Any]:
    if not candidate.lm.exists():
        raise FileNotFoundError(f"{candidate.lm} is missing: run /usr/bin/python3 -m models.base.setup "
                                "(pretrained bases) or -m models.lm.from_onnx (our LM)")
    lm, lm_id = load_frozen_lm(candidate.lm)
    tokens = TokenCache(candidate.tokenizer, CACHE / "static" / "tokens")
    stops = stop_token_ids(tokens)
    header = FORMATS[candidate.format]
    prompts = [headed_prompt(tokens.task(t)[0], tokens.encode(header(t)), candidate.prompt_budget, tokens.eot,
                             config["length_quantum"]) for t in tasks]
    tokens.flush()
    start = time.time()
    generated = greedy_many(lm, prompts, None, config["max_new_tokens"], stops, config["batch"])
    seconds = time.time() - start
    return {"lm_id": lm_id, "parameters": lm.num_parameters(), "seconds": seconds,
            "mean_prompt_tokens": sum(map(len, prompts)) / len(prompts),
            "mean_new_tokens": sum(map(len, generated)) / len(generated),
            "texts": {str(t["id"]): tokens.decode(ids) for t, ids in zip(tasks, generated)}}


def summarize(texts: dict[str, dict[str, str]], tasks: list[TaskRecord], samples: int, seed: int) -> dict[str, Any]:
    repos = [str(t["repo"]) for t in tasks]
    em = {n: [1.0 if score(p[str(t["id"])], str(t["target"])).exact_match else 0.0 for t in tasks]
          for n, p in texts.items()}
    strict = {n: [1.0 if strict_exact_match(p[str(t["id"])], str(t["target"])) else 0.0 for t in tasks]
              for n, p in texts.items()}
    es = {n: [score(p[str(t["id"])], str(t["target"])).edit_sim for t in tasks] for n, p in texts.items()}
    models = [n for n in texts if not n.startswith("memory")]
    best = max(models, key=lambda n: sum(em[n]))
    return {
        "best": best,
        "systems": {n: {"exact_match": asdict(clustered_interval(em[n], repos, samples, seed)),
                        "strict_exact_match": asdict(clustered_interval(strict[n], repos, samples, seed)),
                        "edit_sim": asdict(clustered_interval(es[n], repos, samples, seed))} for n in texts},
        "paired_best_minus": {n: asdict(clustered_paired_bootstrap(em[best], em[n], repos, samples, seed))
                              for n in texts if n != best},
    }


# A candidate this close to the best is a statistical tie: among ties the cheapest (fewest prompt tokens, which
# every training step and completion pays for) is adopted, not the nominal best.
TIE_P_VALUE = 0.05


def choose(result: dict[str, Any]) -> str:
    s, costs = result["summary"], result["costs"]
    ties = [n for n in costs if n == s["best"] or s["paired_best_minus"][n]["p_value"] >= TIE_P_VALUE]
    return min(ties, key=lambda n: (costs[n]["mean_prompt_tokens"], n))


def write_markdown(result: dict[str, Any], path: Path) -> None:
    s = result["summary"]
    lines = [
        "# Choosing the base LM (CR val, no adapter)", "",
        f"{result['tasks']} tasks from {result['repositories']} cross-repo validation repositories (at most "
        f"{result['config']['tasks_per_repo']} per repository, seeded); greedy, at most "
        f"{result['config']['max_new_tokens']} new tokens, stop at a newline. 95% intervals resample repositories. "
        "Written by `models.eval.base_choice`.", "",
        "| candidate | params | EM % [95% CI] | strict EM % | EditSim | best minus this (EM points, p) | "
        "seconds | prompt tokens |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in s["systems"].items():
        cost = result["costs"].get(name, {})
        em, st, es = row["exact_match"], row["strict_exact_match"], row["edit_sim"]
        paired = s["paired_best_minus"].get(name)
        vs = "best" if paired is None else f"{100 * paired['difference']:+.1f} [{100 * paired['low']:.1f}, " \
             f"{100 * paired['high']:.1f}], p {paired['p_value']:.3f}"
        params = f"{cost['parameters'] / 1e6:.1f}M" if cost else "-"
        lines.append(f"| {name} | {params} | {100 * em['mean']:.1f} [{100 * em['low']:.1f}, {100 * em['high']:.1f}] | "
                     f"{100 * st['mean']:.1f} | {es['mean']:.3f} | {vs} | "
                     f"{cost.get('seconds', 0):.0f} | {cost.get('mean_prompt_tokens', 0):.0f} |")
    chosen = choose(result)
    lines += ["", f"Highest CR val exact match: {s['best']}. Adopted: **{chosen}**, the fewest prompt tokens among "
              f"the candidates the best does not beat at p < {TIE_P_VALUE} (paired, repositories resampled)."]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=MODELS_DIR / "configs" / "base_choice.json")
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--only", help="predict only this candidate (the report uses every cached one)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--from-json", action="store_true", help="rewrite CHOICE.md from choice.json, predict nothing")
    args = parser.parse_args()
    if args.from_json:
        write_markdown(json.loads(OUT_JSON.read_text()), OUT_MD)
        print(OUT_MD.read_text())
        return
    setup_cpu(args.threads)
    config = json.loads(args.config.read_text())
    candidates = [Candidate.from_dict(c) for c in config["candidates"]]
    tasks = sample(config, args.bench)
    print(f"{len(tasks)} {config['split']} tasks in {len({t['repo'] for t in tasks})} repositories", flush=True)
    PREDICTIONS.mkdir(parents=True, exist_ok=True)
    texts: dict[str, dict[str, str]] = {}
    costs: dict[str, Any] = {}
    ids = sorted(str(t["id"]) for t in tasks)
    for c in candidates:
        cached = PREDICTIONS / (c.name.replace("/", "__") + ".json")
        if (args.only in (None, c.name)) and not (cached.exists() and
                                                   sorted(json.loads(cached.read_text())["texts"]) == ids):
            out = predict(c, tasks, config)
            cached.write_text(json.dumps(out))
            print(f"  {c.name}: {out['seconds']:.0f}s", flush=True)
        if cached.exists():
            out = json.loads(cached.read_text())
            if sorted(out["texts"]) == ids:
                texts[c.name] = out["texts"]
                costs[c.name] = {k: v for k, v in out.items() if k != "texts"}
    for name, earlier_only in (("memory (leave-one-out)", False), ("memory (earlier-only)", True)):
        floor: dict[str, str] = {}
        for repo in sorted({str(t["repo"]) for t in tasks}):
            floor.update(memory_predictions([t for t in tasks if t["repo"] == repo],
                                            bench.static_tasks(repo, args.bench), earlier_only))
        texts[name] = floor
    result = {"config": {k: v for k, v in config.items() if k != "candidates"}, "candidates": config["candidates"],
              "tasks": len(tasks), "repositories": len({t["repo"] for t in tasks}), "costs": costs,
              "summary": summarize(texts, tasks, config["bootstrap_samples"], config["seed"])}
    result["chosen"] = choose(result)
    OUT_JSON.write_text(json.dumps(result, indent=1) + "\n")
    write_markdown(result, OUT_MD)
    print(OUT_MD.read_text())


if __name__ == "__main__":
    main()
