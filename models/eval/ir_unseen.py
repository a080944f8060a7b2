"""The training repositories the published adapters never drew a batch from, where IR test is scored.

The adapters published on the base were trained before the in-repository split went by test file
(models/data/splits.py): they drew their batches from tasks split one by one (the v1 rule below), so a test file
that the file-level split now puts in IR test may have given them training tasks, or recalled assertions in their
memory prompts (always from the batch's own repository). Every batch comes from one repository, and the order of
repositories is a seeded shuffle (models.static.trainer.repository_stream), so the repositories a run touched are
known from its stream seed and its step count alone. IR test is drawn from the other training repositories: none
of their files reached a published adapter. Adapters trained after the change need no such care, and the scored
sample stays the same for every system.

    /usr/bin/python3 -m models.eval.ir_unseen     (rewrites models/configs/ir_test_exclude.json)
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from models.data import bench
from models.data.paths import BENCH_DIR
from models.lm.runtime import Distributed
from models.static.paths import CONFIGS_DIR
from models.static.trainer import repository_stream

V1_SEED = "code2lora-ir-v1"
OUT = CONFIGS_DIR / "ir_test_exclude.json"


@dataclass(frozen=True)
class Stream:
    seed: int
    steps: int
    adapters: str


# The training runs behind models/weights/<base>/single.pt and single_memory.pt, from their saved train configs
# and models/base/NOTES.md: the single LoRA (stream seed 0, 49 steps); the memory LoRA's first run from it (seed 0,
# 36 steps: the same repositories as the single LoRA's first 36); its second run (stream seed 1, 72 steps).
PUBLISHED = (Stream(0, 49, "single, and single_memory's first 36 steps"), Stream(1, 72, "single_memory's last 72 steps"))


def v1_split_is_train(task_id: str) -> bool:
    """The in-repository rule the published adapters were trained under: each task drawn on its own, 8 in 10 train."""
    return int.from_bytes(hashlib.sha256(f"{V1_SEED}:{task_id}".encode()).digest()[:8], "big") % 10 < 8


def v1_training_repositories(bench_dir: Path = BENCH_DIR) -> list[str]:
    """The repositories the published runs streamed over: training repositories with a train task under v1."""
    return sorted(r.name for r in bench.repositories(bench_dir)
                  if r.split == "train" and any(v1_split_is_train(str(t["id"])) for t in bench.static_tasks(r.name, bench_dir)))


def visited(repos: list[str], stream: Stream) -> set[str]:
    """The repositories a one-process run with this stream drew its first `steps` batches from."""
    return set(itertools.islice(repository_stream(repos, Distributed(0, 1), stream.seed), stream.steps))


def report(bench_dir: Path = BENCH_DIR) -> dict[str, object]:
    repos = v1_training_repositories(bench_dir)
    seen = sorted(set().union(*(visited(repos, s) for s in PUBLISHED)))
    return {"why": __doc__.split("\n\n")[1].replace("\n", " "),
            "streams": [s.__dict__ for s in PUBLISHED], "training_repositories": len(repos),
            "repositories": seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    out = report(args.bench)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(out['repositories'])} of {out['training_repositories']} training repositories drawn from -> {args.out}")


if __name__ == "__main__":
    main()
