"""Static's frozen encoder chosen on CR val: each candidate run (and the runs it is weighed against: the single
LoRA it started from, its control) scored by target cross-entropy on a seeded sample of CR val tasks, paired over
repositories. Lower is better; a run's own repository encoder embeds the CR val repositories.

    /usr/bin/python3 -m models.eval.encoder_choice --lm models/.cache/base/<base>/lm.pt \\
        --run "single LoRA=models/weights/<base>/single.pt" --run "5.3M LM=<static run>/best.pt" ... \\
        --reference "5.3M LM" --out models/static/ENCODERS.md
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from models.data.paths import BENCH_DIR
from models.lm.runtime import setup_cpu
from models.static.config import StaticConfig
from models.static.dataset import embed_repositories, examples, load_tasks
from models.static.session import load_adapter, open_session
from models.static.trainer import adapter_loss

from .bootstrap import clustered_interval, clustered_paired_bootstrap


def encoder_name(config: dict[str, Any]) -> str:
    enc = config["encoder"]
    if enc.get("package"):
        return f"packaged: {enc['package']}" + (f", {enc['layers']} layers" if enc.get("layers") else "")
    what = f"LM {enc['lm']}" if enc.get("lm") else "the base's own"
    return what + (f", lower {enc['layers']} blocks" if enc.get("layers") else ", all blocks")


@torch.no_grad()
def task_losses(lm_path: Path, run: Path, bench: Path, per_repo: int, seed: int) -> tuple[list[str], list[str],
                                                                                          list[float], dict[str, Any]]:
    """(task ids, their repositories, mean target cross-entropy per task, what the run is) on CR val."""
    state = torch.load(run, map_location="cpu")
    config = StaticConfig.from_dict(state["static_config"])
    session = open_session(lm_path, config)
    adapter = load_adapter(run, session)
    data = load_tasks(bench, {"cr_val": per_repo}, seed)
    names = data.repos_with("cr_val")
    if state["method"] == "static":
        embed_repositories(data, session.encoder, names, log=False)
    ids, repos, losses = [], [], []
    for repo in names:
        embedding = torch.from_numpy(data.embeddings[repo]) if repo in data.embeddings else torch.zeros(1)
        for example in examples(data.tasks["cr_val"][repo], session.tokens, config.prompt):
            loss_sum, tokens = adapter_loss(adapter, session.lm, embedding, [example], session.tokens.pad,
                                            config.prompt.max_target_tokens, reduction="none")
            ids.append(str(example.task["id"]))
            repos.append(repo)
            losses.append(float(loss_sum) / max(tokens, 1))
    about = {"method": state["method"], "steps": state.get("steps"), "best_val_loss": state.get("best_val_loss"),
             "encoder": encoder_name(state["static_config"]) if state["method"] == "static" else "-",
             "seconds_trained": state.get("seconds")}
    return ids, repos, losses, about


def report(names: list[str], results: dict[str, tuple[list[str], list[str], list[float], dict[str, Any]]],
           reference: str, samples: int, seed: int, per_repo: int) -> tuple[str, dict[str, Any]]:
    ids, repos, _, _ = results[reference]
    out: dict[str, Any] = {"reference": reference, "tasks": len(ids), "repositories": len(set(repos)), "runs": {}}
    lines = ["# Static's frozen encoder, chosen on CR val", "",
             f"Target cross-entropy (nats per token, mean over tasks) on {len(ids)} CR val tasks from "
             f"{len(set(repos))} repositories (at most {per_repo} each, seeded); 95% intervals and one-sided p "
             f"resample repositories. A difference is {reference} minus the run: positive means the run's loss is "
             "lower. Written by `models.eval.encoder_choice`.", "",
             "| run | encoder | steps | CR val loss [95% CI] | loss below the reference [95% CI] | one-sided p |",
             "|---|---|---:|---|---|---|"]
    for name in names:
        run_ids, _, losses, about = results[name]
        if run_ids != ids:
            raise ValueError(f"{name} was scored on other tasks than {reference}")
        ci = clustered_interval(losses, repos, samples, seed)
        row: dict[str, Any] = {**about, "loss": asdict(ci)}
        diff_cell, p_cell = "-", "-"
        if name != reference:
            # The reference's loss minus the run's, per task: positive where the run predicts the targets better.
            below = clustered_paired_bootstrap(results[reference][2], losses, repos, samples, seed)
            row["below_reference"] = asdict(below)
            diff_cell = f"{below.difference:+.4f} [{below.low:+.4f}, {below.high:+.4f}]"
            p_cell = f"{below.p_value:.4f}"
        out["runs"][name] = row
        lines.append(f"| {name} | {about['encoder']} | {about['steps']} | {ci.mean:.4f} [{ci.low:.4f}, {ci.high:.4f}] "
                     f"| {diff_cell} | {p_cell} |")
    return "\n".join(lines) + "\n", out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--run", action="append", required=True, help="NAME=checkpoint (a run's best.pt or "
                        "published weights); the table keeps this order")
    parser.add_argument("--reference", required=True, help="the NAME every other run is paired with")
    parser.add_argument("--tasks-per-repo", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bootstrap-samples", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the markdown report; its .json beside it")
    args = parser.parse_args()
    setup_cpu(args.threads)
    runs = dict(r.split("=", 1) for r in args.run)
    if args.reference not in runs:
        parser.error(f"--reference {args.reference!r} is not one of the runs")
    results = {}
    for name, path in runs.items():
        results[name] = task_losses(args.lm, Path(path), args.bench, args.tasks_per_repo, args.seed)
        print(f"{name}: {sum(results[name][2]) / len(results[name][2]):.4f} on {len(results[name][2])} tasks",
              flush=True)
    text, data = report(list(runs), results, args.reference, args.bootstrap_samples, args.seed, args.tasks_per_repo)
    args.out.write_text(text)
    args.out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
