"""The exported GGUF adapter in llama.cpp against our PyTorch LM with the same adapter: greedy continuations.

    /usr/bin/python3 -m models.export.adapters.reference_check [--method single] [--repos 2] [--tasks 12]

For a seeded sample of CR test repositories: the repository's adapter (models.export.adapters.make) written as GGUF,
llama.cpp (scripts/llama-reference, node-llama-cpp; `npm install` there first) run on the base with that adapter,
and our LM with the adapter, on the prompts the scorer uses. On the float32 rewrite of the base (models.base.f32_gguf)
both compute in float32, so continuations should be identical; on the pinned Q4_1 file llama.cpp rounds activations
to 8 bits and continuations may part at near ties (the base alone: 41 of 50, models/base/reference/REFERENCE.md).
The adapter must also change what the base writes, or agreement would prove nothing: both counts are reported.
Writes models/export/adapters/reference/ADAPTER.md and adapter_check.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch

from models.base.paths import BASE_CACHE
from models.base.pins import BasePin
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.lm.lora import LoraWeights
from models.lm.model import CodeLM
from models.lm.paths import REPO_DIR
from models.lm.runtime import setup_cpu
from models.static.dataset import load_tasks
from models.static.paths import CONFIGS_DIR, WEIGHTS_DIR
from models.static.prompts import prefix_prompt
from models.static.session import Session

from .files import write_gguf
from .make import base_session, make_adapter

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
RUNNER = REPO_DIR / "scripts" / "llama-reference" / "reference.mjs"


@torch.no_grad()
def greedy(lm: CodeLM, ids: list[int], lora: Optional[LoraWeights], steps: int) -> list[int]:
    """Pure argmax for `steps` tokens, no stop (as the runner does), ties to the lowest id."""
    logits, past = lm(torch.tensor([ids]), lora=lora)
    out: list[int] = []
    for _ in range(steps):
        out.append(int(logits[0, -1].float().argmax()))
        logits, past = lm(torch.tensor([[out[-1]]]), past=past, lora=lora)
    return out


def run_llama(gguf: Path, adapter: Path, prompts: list[dict[str, Any]], steps: int) -> dict[str, list[int]]:
    if not (RUNNER.parent / "node_modules" / "node-llama-cpp").is_dir():
        raise SystemExit("llama.cpp runner not installed: run `npm install` in scripts/llama-reference")
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = Path(tmp) / "prompts.json", Path(tmp) / "out.json"
        spec.write_text(json.dumps({"max_new_tokens": steps, "top_k": 1, "lora": str(adapter), "prompts": prompts}))
        subprocess.run(["node", str(RUNNER), str(gguf), str(spec), str(out)], check=True, capture_output=True)
        return {r["id"]: r["greedy"] for r in json.loads(out.read_text())["results"]}


def sample(repos: int, tasks: int, seed: int, bench_dir: Path) -> dict[str, list[TaskRecord]]:
    data = load_tasks(bench_dir, {"cr_test": tasks}, seed)
    names = sorted(data.tasks["cr_test"])
    chosen = sorted(np.random.default_rng(seed).choice(names, size=min(repos, len(names)), replace=False).tolist())
    return {r: data.tasks["cr_test"][r] for r in chosen}


def check(session: Session, pin: BasePin, method: str, weights: Path, bases: dict[str, Path],
          sample_tasks: dict[str, list[TaskRecord]], steps: int, work: Path) -> dict[str, Any]:
    prompt_cfg = session.config.prompt
    rows = []
    for repo, tasks in sample_tasks.items():
        made = make_adapter(session, pin, method, weights, repo)
        adapter = write_gguf(work / f"{repo}-{method}.gguf", made.lora, session.lm.config, made.provenance)
        prompts = []
        for t in tasks:
            prefix, _ = session.tokens.task(t)
            ids = prefix_prompt(prefix, prompt_cfg.prompt_budget, session.tokens.eot, prompt_cfg.length_quantum)
            prompts.append({"id": str(t["id"]), "text": session.tokens.decode(ids), "ids": ids})
        theirs = {name: run_llama(path, adapter, prompts, steps) for name, path in bases.items()}
        for p in prompts:
            ours = greedy(session.lm, p["ids"], made.lora, steps)
            rows.append({"repo": repo, "id": p["id"], "ours": ours, "ours_without_adapter":
                         greedy(session.lm, p["ids"], None, steps), **{f"llama_{n}": g[p["id"]] for n, g in theirs.items()}})
    summary = {"prompts": len(rows), "steps": steps,
               "adapter_changes_ours": sum(r["ours"] != r["ours_without_adapter"] for r in rows)}
    for name in bases:
        summary[f"identical_{name}"] = sum(r["ours"] == r[f"llama_{name}"] for r in rows)
        summary[f"first_token_{name}"] = sum(r["ours"][0] == r[f"llama_{name}"][0] for r in rows)
    return {"method": method, "base": pin.name, "summary": summary, "rows": rows}


def write_report(result: dict[str, Any], folder: Path = REFERENCE_DIR) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adapter_check.json").write_text(json.dumps(result, indent=1) + "\n")
    s = result["summary"]
    lines = ["# The exported GGUF adapter in llama.cpp", "",
             f"Written by `models.export.adapters.reference_check`: the {result['method']} adapter on "
             f"{result['base']}, {s['prompts']} CR test prompts (the scorer's prompts), {s['steps']} greedy tokens "
             "each, llama.cpp (node-llama-cpp 3.22.1, CPU) with the adapter loaded from our GGUF file against our "
             "PyTorch LM with the same adapter.", "",
             f"- The adapter changes our continuation on {s['adapter_changes_ours']} of {s['prompts']} prompts "
             "(so agreement below is not agreement of the base alone)."]
    for name, label in (("f32", "float32 rewrite of the base (same weights as ours)"),
                        ("q4_1", "pinned Q4_1 file (llama.cpp rounds activations to 8 bits)")):
        if f"identical_{name}" in s:
            lines.append(f"- On the {label}: identical continuations on {s[f'identical_{name}']} of {s['prompts']}, "
                         f"first token on {s[f'first_token_{name}']} of {s['prompts']}.")
    (folder / "ADAPTER.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=("single", "static"), default="single")
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--repos", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=12)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    setup_cpu(args.threads)
    session, pin = base_session(args.config)
    folder = BASE_CACHE / pin.name
    bases = {"q4_1": folder / "model.gguf"}
    if (folder / "model-f32.gguf").exists():
        bases = {"f32": folder / "model-f32.gguf"} | bases
    else:
        print("no float32 rewrite of the base (run models.base.f32_gguf): checking on the Q4_1 file only")
    with tempfile.TemporaryDirectory() as tmp:
        result = check(session, pin, args.method, args.weights or WEIGHTS_DIR / pin.name / f"{args.method}.pt",
                       bases, sample(args.repos, args.tasks, args.seed, BENCH_DIR), args.steps, Path(tmp))
    write_report(result)
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
