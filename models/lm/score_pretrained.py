"""The "pretrained" row: exact match / EditSim of the base LM (no adapter) on the static track's CR and IR test.

    /usr/bin/python3 -m models.lm.score_pretrained --checkpoint models/.cache/lm/runs/base/final.pt --out FILE.json

A thin driver over the static track's evaluator (models/eval/static_eval.py), so the row is the same measurement
as in RESULTS.md: its seeded task samples (models/configs/static_eval.json, including the seeded sample of IR
repositories), its prompts, greedy decoding and scoring (models/eval/metric.py, bootstrap intervals). It only
skips the systems that need adapters, retrieval or per-repository training.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from models.data.paths import BENCH_DIR
from models.eval.ir_sample import ir_test_draws
from models.eval.scoring import summarize_split
from models.eval.static_eval import Evaluator, flat
from models.static.config import EvalConfig, StaticConfig
from models.static.dataset import load_tasks
from models.static.session import open_session

from .paths import REPO_DIR
from .runtime import setup_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)

    ecfg = EvalConfig.load()
    session = open_session(args.checkpoint, StaticConfig.load())
    data = load_tasks(BENCH_DIR, {"cr_test": ecfg.cr_test_tasks_per_repo, "ir_test": ecfg.ir_test_tasks_per_repo},
                      ecfg.seed)
    # The same seeded sample of IR repositories as static_eval.evaluate.
    keep = {r for draw in ir_test_draws(sorted(data.tasks["ir_test"]), ecfg) for r in draw}
    data.tasks["ir_test"] = {r: ts for r, ts in data.tasks["ir_test"].items() if r in keep}
    evaluator = Evaluator(session, data, ecfg, {})
    results: dict[str, object] = {"protocol": "models/eval/static_eval.py (pretrained system), "
                                              "models/configs/static_eval.json", "lm_id": session.lm_id,
                                  "bench": BENCH_DIR.relative_to(REPO_DIR).as_posix()}
    for split in ("cr_test", "ir_test"):
        start = time.time()
        tasks = data.tasks[split]
        predictions = evaluator.run("pretrained", tasks)
        summary = summarize_split({"pretrained": predictions.texts}, flat(tasks), "pretrained",
                                  ecfg.bootstrap_samples, ecfg.seed)
        system = summary["systems"]["pretrained"]
        results[f"static_{split}"] = {"exact_match": round(100 * system["exact_match"]["mean"], 2),
                                      "exact_match_ci95": [round(100 * system["exact_match"]["low"], 2),
                                                           round(100 * system["exact_match"]["high"], 2)],
                                      "edit_sim": round(100 * system["edit_sim"]["mean"], 2),
                                      "tasks": summary["tasks"], "repos": summary["repositories"],
                                      "seconds": round(time.time() - start)}
        print(json.dumps({split: results[f"static_{split}"]}), flush=True)
    session.tokens.flush()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"pretrained": results}, indent=2))


if __name__ == "__main__":
    main()
