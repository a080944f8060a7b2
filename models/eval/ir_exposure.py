"""How many scored IR test tasks a trained adapter could have seen in a training prompt.

Until the in-repository split went by test file (models/data/splits.py) the static track drew it per task, so a
later assertion of the same test file could be a train task whose prompt held an IR test task's statement. This
counts, for the IR test sample the scorer draws (models.eval.static_eval.evaluate) and for its per-repository LoRA
sample, the tasks whose statement is in a prompt of a training pool of the same file: the whole train split, and the
seeded per-repository samples the adapters draw their batches from (one per training config given). With the split
by file every count is 0; models.data.split_overlap checks the whole benchmark, across files and both tracks.

    /usr/bin/python3 -m models.eval.ir_exposure --eval-config models/configs/static_eval_smollm2.json \
      --train-config models/configs/static_train_smollm2.json --train-config models/configs/static_train_smollm2_short.json
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.data.held_statements import holds, statement_context
from models.static.config import EvalConfig, TrainConfig
from models.static.dataset import load_tasks
from models.static.paths import CONFIGS_DIR

from .ir_sample import ir_test_draws
from .static_eval import flat, sample_per_repo


def exposed(tasks: list[TaskRecord], pool: dict[str, list[TaskRecord]]) -> list[TaskRecord]:
    """The tasks whose statement is in the prompt of a pool task of the same repository and file."""
    prompts: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for repo, pool_tasks in pool.items():
        for t in pool_tasks:
            prompts[(repo, str(t["path"]))].append(str(t["prefix"]))
    return [t for t in tasks if any(holds(p, statement_context(t)) for p in prompts.get((str(t["repo"]), str(t["path"])), ()))]


def report(ecfg: EvalConfig, train_configs: dict[str, TrainConfig], bench_dir: Path = BENCH_DIR) -> dict[str, object]:
    data = load_tasks(bench_dir, {"ir_test": ecfg.ir_test_tasks_per_repo, "ir_val": ecfg.per_repo_lora.val_tasks,
                                  "train": next(iter(train_configs.values())).train_tasks_per_repo}, ecfg.seed)
    keep = {r for draw in ir_test_draws(sorted(data.tasks["ir_test"]), ecfg) for r in draw}
    data.tasks["ir_test"] = {r: ts for r, ts in data.tasks["ir_test"].items() if r in keep}
    scored = flat(data.tasks["ir_test"])
    per_repo = flat({r: ts for draw in sample_per_repo(data, ecfg.per_repo_lora, ecfg.seed) for r, ts in draw.items()})
    full = {r: [t for t in bench.static_tasks(r, bench_dir) if t["split"] == "train"] for r in sorted(keep)}
    pools = {"the whole train split": full}
    for name, tcfg in train_configs.items():
        pools[f"{name} ({tcfg.train_tasks_per_repo} a repository, seed {tcfg.seed})"] = load_tasks(
            bench_dir, {"train": tcfg.train_tasks_per_repo}, tcfg.seed).tasks["train"]
    return {
        "ir_test_sample": {"tasks": len(scored), "repositories": len(keep),
                           "exposed": {name: len(exposed(scored, pool)) for name, pool in pools.items()}},
        "per_repo_lora_sample": {"tasks": len(per_repo), "repositories": len({t["repo"] for t in per_repo}),
                                 "exposed": {name: len(exposed(per_repo, pool)) for name, pool in pools.items()}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval_smollm2.json")
    parser.add_argument("--train-config", type=Path, action="append", required=True,
                        help="a training config whose per-repository sample is a pool (the first one is also the "
                             "per-repository LoRA's, as in the scorer)")
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    args = parser.parse_args()
    ecfg = EvalConfig.load(args.eval_config)
    configs = {p.stem: TrainConfig.load(p) for p in args.train_config}
    print(json.dumps(report(ecfg, configs, args.bench), indent=1))


if __name__ == "__main__":
    main()
