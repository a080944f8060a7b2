"""Score the pretrained base, the single shared LoRA and the base with the repository's earlier assertions in its
prompt on the real-history evolution track's CR test (issues 16 and 17).

    /usr/bin/python3 -m models.eval.histories_eval [--per-repo 14] [--systems pretrained,single,tests_memory]

Tasks: assertions that real commits add or modify (models/data/histories), CR test repositories, a seeded sample of
at most --per-repo per repository. The floor here is causal: it copies the target of the most similar assertion
that an earlier commit of the same history brought (nothing later, nothing from the pinned snapshot), and the
memory prompt (`tests_memory`) recalls its k assertions from the same earlier tasks. Decoding is
the static scorer's (models.eval.static_eval), cached per system, so systems can decode in separate processes and a
last run with every system reads them back. Writes models/base/histories/results.json and RESULTS.md.
Code2LoRA-Static (`--systems ...,static --clones DIR`) reads the repository as it was at the history's first
commit (its production files, from the clone), so it sees nothing a later commit brought. Evo is scored on this
track by models.eval.evo_eval --track histories (models/base/histories/EVO.md).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from models.data.bench import TaskRecord
from models.data.histories.clones import find_clone
from models.data.histories.paths import HISTORIES_DIR
from models.data.histories.snapshot_tasks import snapshot_files
from models.hashing import sha256_of
from models.lm.runtime import setup_cpu
from models.memory.retriever import top_k
from models.static.config import EvalConfig, StaticConfig
from models.static.dataset import StaticData, hypernet_input, seeded_sample
from models.static.hypernet import SharedLora, histogram_tokens
from models.static.session import load_adapter, open_session

from .bootstrap import clustered_paired_bootstrap
from .memory_floor import recall, signature
from .scoring import summarize_split, task_scores
from .static_eval import Evaluator, flat, weights_name

REPO_DIR = Path(__file__).resolve().parents[2]
BASE = "smollm2-135m-instruct-q4_1"
OUT_DIR = REPO_DIR / "models" / "base" / "histories"
LABELS = {"causal_floor": "Repository memory, earlier commits only (non-neural floor)",
          "tests_memory": "Base + the assertions of earlier commits in the prompt (k = 3)",
          "pretrained": "Pretrained (no adapter)", "single": "Single shared LoRA",
          "static": "Code2LoRA-Static (the repository at the history's first commit)",
          "single_memory": "LoRA trained on the tests-in-the-prompt format + the assertions of earlier commits (k = 3)"}
# Systems that read published adapter weights (models/weights/<base>/<weights_name>.pt).
ADAPTER_SYSTEMS = ("single", "single_memory", "static")


def history_tasks(folder: Path, split: str) -> dict[str, list[TaskRecord]]:
    """Every evolution task of `split`, per repository, in history order (evolution.jsonl's order)."""
    out: dict[str, list[TaskRecord]] = {}
    with (folder / "evolution.jsonl").open(encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            if t["split"] == split:
                out.setdefault(str(t["repo"]), []).append(t)
    return out


def start_snapshots(folder: Path, repos: list[str], clones: Path | None) -> dict[str, list[tuple[str, str]]]:
    """Each repository's production files at its history's first commit, read from its clone."""
    starts = {}
    with (folder / "sequences.jsonl").open(encoding="utf-8") as f:
        for line in f:
            seq = json.loads(line)
            starts[str(seq["repo"])] = str(seq["start_version"])
    out = {}
    for repo in repos:
        clone = find_clone(repo, clones)
        if clone is None:
            raise FileNotFoundError(f"no clone of {repo} for Code2LoRA-Static's snapshot: give --clones")
        production, _ = snapshot_files(clone, starts[repo])
        out[repo] = sorted(production.items())
    return out


def earlier_pools(history: list[TaskRecord]) -> dict[str, list[TaskRecord]]:
    """Task id -> the tasks that strictly earlier commits of the same history brought (what a user had then)."""
    commit_of = {str(t["id"]): str(t["commit"]).split(":")[0] for t in history}
    order: dict[str, int] = {}
    for t in history:
        order.setdefault(commit_of[str(t["id"])], len(order))
    rank = {str(t["id"]): order[commit_of[str(t["id"])]] for t in history}
    return {str(t["id"]): [o for o in history if rank[str(o["id"])] < rank[str(t["id"])]] for t in history}


def causal_floor(history: list[TaskRecord], chosen: list[TaskRecord]) -> dict[str, str]:
    """Each chosen task's copy from the tasks of strictly earlier commits of its history."""
    pools = earlier_pools(history)
    return {str(t["id"]): recall(signature(t), [signature(o) for o in pools[str(t["id"])]]) for t in chosen}


class HistoryEvaluator(Evaluator):
    """The static scorer, with the memory prompt recalling only what earlier commits brought."""

    def __init__(self, pools: dict[str, list[TaskRecord]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pools = pools

    def memory_prompt(self, task: TaskRecord, earlier_only: bool) -> list[int]:
        return self.memory.prompt_with(task, top_k(task, self.pools[str(task["id"])], self.ecfg.memory.k))


def report(results: dict[str, Any]) -> str:
    s = results["split"]
    lines = ["# The pretrained base on real commit histories (CR test)", "",
             "Written by `/usr/bin/python3 -m models.eval.histories_eval`; do not edit by hand.", "",
             f"{s['tasks']} tasks from {s['repositories']} CR test repositories of `models/data/histories` (assertions "
             f"that real commits add or modify; at most {results['per_repo']} per repository, seeded). Greedy decoding "
             "as in the static scorer. Intervals: 95% bootstrap over repositories.", "",
             "| system | EM % | strict EM % | EditSim % |", "|---|---|---|---|"]
    for name, row in s["systems"].items():
        cell = lambda m: f"{100 * row[m]['mean']:.1f} [{100 * row[m]['low']:.1f}, {100 * row[m]['high']:.1f}]"  # noqa: E731
        lines.append(f"| {LABELS.get(name, name)} | {cell('exact_match')} | {cell('strict_exact_match')} | "
                     f"{cell('edit_sim')} |")
    paired = s.get(f"paired_vs_{results['reference']}", {})
    if paired:
        lines += ["", f"Paired bootstrap, {LABELS[results['reference']]} minus each system (EM points [95% CI], "
                  "one-sided p):", ""]
        for name, p in paired.items():
            em = p["exact_match"]
            lines.append(f"- {LABELS.get(name, name)}: {100 * em['difference']:+.1f} [{100 * em['low']:.1f}, "
                         f"{100 * em['high']:.1f}], p {em['p_value']:.4f}")
    for name, key in (("tests_memory", "memory_vs_causal_floor"), ("single_memory", "single_memory_vs_causal_floor")):
        if key in results:
            m = results[key]
            lines += ["", f"{LABELS[name]} minus the floor from the same earlier assertions: "
                      f"{100 * m['difference']:+.1f} [{100 * m['low']:.1f}, {100 * m['high']:.1f}], p {m['p_value']:.4f}"]
    if "static" not in s["systems"]:
        lines += ["", "Code2LoRA-Static has no row: it is scored with `--systems ...,static --clones DIR`."]
    lines += ["", "Evo, its control and Static at each commit are scored on this track by `models.eval.evo_eval --track "
              "histories` (models/base/histories/EVO.md), on the same seeded sample of its CR test."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, default=REPO_DIR / "models" / ".cache" / "base" / BASE / "lm.pt")
    parser.add_argument("--config", type=Path, default=REPO_DIR / "models" / "configs" / "static_smollm2.json")
    parser.add_argument("--eval-config", type=Path, default=REPO_DIR / "models" / "configs" / "static_eval_smollm2.json")
    parser.add_argument("--weights", type=Path, default=REPO_DIR / "models" / "weights" / BASE)
    parser.add_argument("--histories", type=Path, default=HISTORIES_DIR)
    parser.add_argument("--per-repo", type=int, default=14)
    parser.add_argument("--systems", default="pretrained,single,tests_memory")
    parser.add_argument("--predictions", type=Path,
                        default=REPO_DIR / "models" / ".cache" / "static" / "predictions" / BASE / "histories")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clones", type=Path, default=None,
                        help="folder of the histories' clones (as for models.data.histories.build), for Static")
    args = parser.parse_args()
    setup_cpu(args.threads)
    ecfg = EvalConfig.load(args.eval_config)
    session = open_session(args.lm, StaticConfig.load(args.config))
    history = history_tasks(args.histories, "cr_test")
    tasks = {repo: chosen for repo, ts in sorted(history.items())
             if (chosen := seeded_sample(ts, args.per_repo, ecfg.seed))}
    systems = [s for s in args.systems.split(",") if s]
    runs = {s: args.weights / f"{weights_name(s)}.pt" for s in systems if s in ADAPTER_SYSTEMS}
    adapters = {name: load_adapter(path, session) for name, path in runs.items()}
    data = StaticData(repos={}, tasks={})
    data.embeddings = {repo: np.zeros(session.embed_dim, dtype=np.float32) for repo in tasks}  # a shared LoRA reads none
    hypernets = [a for a in adapters.values() if not isinstance(a, SharedLora)]
    if hypernets:
        snapshots = start_snapshots(args.histories, sorted(tasks), args.clones)
        histogram = histogram_tokens(hypernets[0])
        data.embeddings = {repo: hypernet_input(session.encoder, files, histogram)[0] for repo, files in snapshots.items()}
    pools = {k: v for repo in tasks for k, v in earlier_pools(history[repo]).items()}
    evaluator = HistoryEvaluator(pools, session, data, ecfg, adapters, args.predictions / "cache",
                                 {name: sha256_of(path) for name, path in runs.items()})
    print(f"{sum(map(len, tasks.values()))} tasks in {len(tasks)} repositories", flush=True)
    texts = {s: evaluator.run(s, tasks).texts for s in systems}
    texts["causal_floor"] = {k: v for repo in tasks for k, v in causal_floor(history[repo], tasks[repo]).items()}
    reference = "single" if "single" in texts else "pretrained"
    results: dict[str, Any] = {"per_repo": args.per_repo, "reference": reference, "lm_id": session.lm_id,
                               "adapters_sha256": {name: sha256_of(path) for name, path in runs.items()},
                               "split": summarize_split(texts, flat(tasks), reference, ecfg.bootstrap_samples, ecfg.seed)}
    # Each memory-prompted system against the floor that copies from the same earlier assertions.
    repos = [str(t["repo"]) for t in flat(tasks)]
    floor = task_scores(texts["causal_floor"], flat(tasks))[0]
    for name, key in (("tests_memory", "memory_vs_causal_floor"), ("single_memory", "single_memory_vs_causal_floor")):
        if name in texts:
            results[key] = asdict(clustered_paired_bootstrap(
                task_scores(texts[name], flat(tasks))[0], floor, repos, ecfg.bootstrap_samples, ecfg.seed))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "RESULTS.md").write_text(report(results))
    print(report(results))


if __name__ == "__main__":
    main()
