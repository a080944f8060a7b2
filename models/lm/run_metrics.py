"""Summarise a pretraining run (its JSONL log and final checkpoint) and extra measured figures into one JSON file.

    /usr/bin/python3 -m models.lm.run_metrics --run base [--merge pretrained_metrics.json ...] --out metrics.json
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import torch

from .paths import RUNS_DIR


def summarise(run_dir: Path, tail: int = 10) -> dict[str, Any]:
    records = [json.loads(line) for line in (run_dir / "log.jsonl").read_text().splitlines() if line.strip()]
    train = [r for r in records if "loss" in r]
    # A resumed run repeats the steps after its last checkpoint: keep the latest record of each step.
    by_step = {r["step"]: r for r in train}
    steps = [by_step[s] for s in sorted(by_step)]
    evals = {r["step"]: r for r in records if "val_loss" in r}
    final = torch.load(run_dir / "final.pt", map_location="cpu")
    last_losses = [r["loss"] for r in steps[-tail:]]
    speeds = [r["tok_per_s"] for r in steps if "tok_per_s" in r]
    last_eval = evals[max(evals)] if evals else None
    summary: dict[str, Any] = {
        "params": sum(t.numel() for k, t in final["model"].items()),
        "steps": final["step"],
        "tokens_seen": final["tokens_seen"],
        "train_seconds": round(final["elapsed"]),
        "train_tokens_per_s": round(final["tokens_seen"] / max(1.0, final["elapsed"])),
        "train_tokens_per_s_median_window": sorted(speeds)[len(speeds) // 2] if speeds else None,
        "train_loss_last": round(sum(last_losses) / len(last_losses), 4) if last_losses else None,
        "val_loss": round(last_eval["val_loss"], 4) if last_eval else None,
        "val_ppl": round(math.exp(last_eval["val_loss"]), 2) if last_eval else None,
        "val_source": "production files of the benchmark's cr_val repositories",
        "val_curve": [[s, evals[s]["val_loss"]] for s in sorted(evals)],
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", required=True)
    parser.add_argument("--runs-dir", type=Path, default=RUNS_DIR)
    parser.add_argument("--merge", type=Path, nargs="*", default=[], help="JSON files whose keys are added")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    metrics = {"pretraining": summarise(args.runs_dir / args.run)}
    for path in args.merge:
        if path.exists():
            metrics.update(json.loads(path.read_text()))
    args.out.write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
