"""The "pretrained" row: exact match / EditSim of the base LM (no adapter) on the static track's CR and IR test.

    /usr/bin/python3 -m models.lm.score_pretrained --checkpoint models/.cache/lm/runs/base/final.pt --out FILE.json

Uses the static track's own protocol so the row is comparable with the adapter rows: its seeded per-repository
task caps (models/configs/static_eval.json), its prompts (prefix tail within the prompt budget), its greedy decoding
(KV cache, at most max_new_tokens, stop at a newline) and the project's metric (models/eval/metric.py).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from models.data.paths import BENCH_DIR
from models.eval.metric import score
from models.static.config import StaticConfig
from models.static.dataset import load_tasks
from models.static.frozen_lm import load_frozen_lm
from models.static.generate import greedy_completion, stop_token_ids
from models.static.prompts import prefix_prompt
from models.static.tokens import TokenCache

from .paths import MODELS_DIR, REPO_DIR
from .runtime import setup_cpu

SPLITS = ("cr_test", "ir_test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--eval-config", type=Path, default=MODELS_DIR / "configs" / "static_eval.json")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)

    eval_config = json.loads(args.eval_config.read_text())
    caps = {"cr_test": eval_config["cr_test_tasks_per_repo"], "ir_test": eval_config["ir_test_tasks_per_repo"]}
    data = load_tasks(BENCH_DIR, caps, eval_config["seed"])
    lm, lm_id = load_frozen_lm(args.checkpoint)
    tokens = TokenCache()
    stops = stop_token_ids(tokens)
    budget = StaticConfig.load().prompt.prompt_budget
    results: dict[str, object] = {
        "protocol": f"static track, seeded caps {caps} per repository, prompt budget {budget}, greedy, "
                    f"at most {eval_config['max_new_tokens']} new tokens, stop at newline",
        "lm_id": lm_id,
    }
    for split in SPLITS:
        start = time.time()
        matches, sims, repos = [], [], 0
        for repo, tasks in sorted(data.tasks.get(split, {}).items()):
            repos += 1
            for task in tasks:
                prefix, _ = tokens.task(task)
                prompt = prefix_prompt(prefix, budget, tokens.eot)
                generated = greedy_completion(lm, prompt, None, eval_config["max_new_tokens"], stops)
                s = score(tokens.decode(generated), str(task["target"]))
                matches.append(s.exact_match)
                sims.append(s.edit_sim)
        tokens.flush()
        n = max(1, len(matches))
        results[f"static_{split}"] = {"exact_match": round(100 * sum(matches) / n, 2),
                                      "edit_sim": round(100 * sum(sims) / n, 2), "tasks": len(matches),
                                      "repos": repos, "seconds": round(time.time() - start)}
        print(json.dumps({split: results[f"static_{split}"]}), flush=True)
    results["bench"] = BENCH_DIR.relative_to(REPO_DIR).as_posix()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
