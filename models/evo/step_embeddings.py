"""Embed every evolution sequence once with the frozen encoder: the starting snapshot (e_0) and each production step's
diff (e_t), pooled like a snapshot (importance-weighted mean ; max over the step's changed files). Test-file steps
change no production code and get no e_t: the Evo state does not move there.

    /usr/bin/python3 -m models.evo.step_embeddings --lm models/.cache/lm/runs/base/final.pt

Writes models/.cache/evo/steps/<encoder id>/<repo>.<provenance>.npz (init [E], steps [n, E], has_diff [n]).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from models.atomic_write import write_atomic
from models.data import bench
from models.data.bench import SequenceInfo
from models.data.histories.starts import start_files
from models.data.paths import BENCH_DIR
from models.lm.runtime import setup_cpu
from models.static.config import StaticConfig
from models.static.repo_encoder import RepoEncoder
from models.static.session import open_session

from .diff_text import step_text
from .paths import CONFIGS_DIR, STEP_EMBEDDINGS_DIR

SPLIT_ORDER = {"cr_val": 0, "cr_test": 1, "train": 2}


@dataclass
class SequenceEmbeddings:
    init: np.ndarray        # [E] embedding of the starting snapshot (zeros: an empty repository)
    steps: np.ndarray       # [n, E] e_t of each step (zeros where has_diff is False)
    has_diff: np.ndarray    # [n] bool: the step changes production code, so the state moves


def cache_path(folder: Path, encoder_id: str, seq: SequenceInfo) -> Path:
    return folder / encoder_id / f"{seq.repo}.{seq.provenance}.npz"


def load(folder: Path, encoder_id: str, seq: SequenceInfo) -> SequenceEmbeddings:
    with np.load(cache_path(folder, encoder_id, seq)) as z:
        return SequenceEmbeddings(z["init"], z["steps"], z["has_diff"].astype(bool))


def embed_sequence(encoder: RepoEncoder, seq: SequenceInfo, bench_dir: Path,
                   clones: Optional[Path] = None) -> SequenceEmbeddings:
    """`clones`: the histories' clones, where a real history's first commit is read (models.data.histories)."""
    dim = 2 * encoder.lm.config.d_model
    init = encoder.embed(start_files(seq, clones)).vector
    steps = bench.steps(seq, bench_dir)
    out = np.zeros((len(steps), dim), dtype=np.float32)
    has_diff = np.zeros(len(steps), dtype=bool)
    for i, step in enumerate(steps):
        if step.change == "tests":
            continue
        out[i] = encoder.embed([(step.path, step_text(step.path, step.change, step.diff))]).vector
        has_diff[i] = True
    return SequenceEmbeddings(init, out, has_diff)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "evo_session.json",
                        help="encoder, heads (with the shared base) and prompt settings of Evo")
    parser.add_argument("--out", type=Path, default=STEP_EMBEDDINGS_DIR)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clones", type=Path, default=None,
                        help="the histories' clones (with --bench models/.cache/histories: real commit histories)")
    parser.add_argument("--splits", default="cr_val,cr_test,train")
    parser.add_argument("--max-steps", type=int, default=5000,
                        help="leave out longer sequences (ansible's replay, 14,930 steps, alone takes longer than all "
                             "the others together); training and scoring skip sequences without embeddings")
    parser.add_argument("--longest-first", action="store_true",
                        help="start from the other end, so that a second process shares the work with a first one "
                             "(each skips what the other has written)")
    args = parser.parse_args()
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    wanted = set(args.splits.split(","))
    seqs = sorted((s for s in bench.sequences(args.bench) if s.split in wanted),
                  key=lambda s: (SPLIT_ORDER.get(s.split, 9), s.steps, s.repo), reverse=args.longest_first)
    start = time.time()
    for i, seq in enumerate(seqs):
        path = cache_path(args.out, session.encoder.encoder_id, seq)
        if path.exists():
            continue
        if seq.steps > args.max_steps:
            print(f"{i + 1}/{len(seqs)} {seq.split} {seq.repo}.{seq.provenance}: {seq.steps} steps, over "
                  f"--max-steps {args.max_steps}: left out", flush=True)
            continue
        emb = embed_sequence(session.encoder, seq, args.bench, args.clones)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: np.savez(f, init=emb.init, steps=emb.steps, has_diff=emb.has_diff))
        print(f"{i + 1}/{len(seqs)} {seq.split} {seq.repo}.{seq.provenance}: {len(emb.steps)} steps "
              f"({time.time() - start:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
