"""Python's decodes of the app's 8-bit WASM graph on the CR test sample, for `npm run cr-parity`.

    /usr/bin/python3 -m models.eval.int8_parity --lm models/.cache/base/<base>/lm.pt \
      --weights models/weights/<base> [--systems single_memory,pretrained,single,rag] [--limit-repos 7] \
      [--out models/.cache/static/predictions/<base>-int8]

The scorer's CR test sample (models.eval.static_eval's seeded tasks per repository) of the first N repositories in
name order, which is what `npm run cr-parity -- --limit-repos N` takes, decoded by the scorer's own Evaluator
(prompts, stop rules) with the LM computing as the 8-bit graph does (models.lm.int8). Written to <out>/cr_test.jsonl
in the scorer's predictions format, so cr-parity reads it with `--predictions`. Nothing is cached: the prediction
cache keys the float model's decodes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from models.data.paths import BENCH_DIR
from models.hashing import sha256_of
from models.lm.int8 import int8_arithmetic
from models.lm.runtime import setup_cpu
from models.static.config import EvalConfig, StaticConfig
from models.static.dataset import StaticData, load_tasks
from models.static.paths import CONFIGS_DIR
from models.static.session import load_adapter, open_session

from .static_eval import Evaluator, flat, save_predictions, weights_name

# The systems the app's methods compare with (scripts/cr-parity.ts pythonSystemOf) and the ones needing no weights.
UNTRAINED = ("pretrained", "rag")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--weights", type=Path, required=True, help="the folder of the base's published adapters")
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval_smollm2.json")
    parser.add_argument("--systems", default="single_memory,pretrained,single,rag")
    parser.add_argument("--limit-repos", type=int, default=7)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)
    ecfg = EvalConfig.load(args.eval_config)
    session = open_session(args.lm, StaticConfig.load(args.config))
    data = load_tasks(args.bench, {"cr_test": ecfg.cr_test_tasks_per_repo}, ecfg.seed)
    tasks = {r: data.tasks["cr_test"][r] for r in sorted(data.tasks["cr_test"])[:args.limit_repos]}
    systems = [s for s in args.systems.split(",") if s]
    trained = {s: args.weights / f"{weights_name(s)}.pt" for s in systems if s not in UNTRAINED}
    adapters = {s: load_adapter(path, session) for s, path in trained.items()}
    scoped = StaticData(repos=data.repos, tasks={"cr_test": tasks},
                        embeddings={r: np.zeros(session.embed_dim, dtype=np.float32) for r in tasks})
    evaluator = Evaluator(session, scoped, ecfg, adapters, None, {s: sha256_of(p) for s, p in trained.items()},
                          args.bench)
    texts: dict[str, dict[str, str]] = {}
    with int8_arithmetic(session.lm):
        for system in systems:
            predictions = evaluator.run(system, tasks)
            assert predictions is not None  # nothing is read from a cache here
            texts[system] = predictions.texts
    save_predictions(args.out, "cr_test", texts, flat(tasks))
    print(f"{sum(map(len, tasks.values()))} tasks of {len(tasks)} repositories -> {args.out / 'cr_test.jsonl'}")


if __name__ == "__main__":
    main()
