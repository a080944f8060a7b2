"""How far the Evo state and adapter move per step: real commit histories (models/data/histories) against the
benchmark's replayed growth and Debian release chains (issue 16).

    /usr/bin/python3 -m models.evo.movement [--repos 30] [--max-steps 200] [--threads 1]

For a fixed sample of held-out sequences of each provenance (cr_val and cr_test, by name; the first --max-steps
steps of each), the published Evo (models/weights/evo.pt) is run from z_0 of the starting snapshot through every
production step. Per step: the cosine between consecutive adapters (all 14 LoRA tensors as one vector, as the app's
Timeline prints it), the relative state update ||z_t - z_{t-1}|| / ||z_{t-1}||, and the input's distance from the
training inputs (the step embedding after the trained standardiser). For real histories also per commit (all the
commit's file steps together). Writes models/evo/movement/movement.json and movement.svg (beside RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.data import bench
from models.data.bench import SequenceInfo
from models.data.histories.paths import HISTORIES_DIR
from models.data.histories.starts import start_files
from models.data.paths import BENCH_DIR
from models.lm.runtime import setup_cpu
from models.static.config import StaticConfig
from models.static.session import open_session

from .diff_text import step_text
from .model import EvoHypernet
from .movement_figure import write_figure
from .paths import CONFIGS_DIR, MODELS_DIR
from .session import load_evo

OUT_DIR = Path(__file__).resolve().parent / "movement"
PROVENANCES = ("commits", "release", "replay")


def adapter_vector(model: EvoHypernet, z: torch.Tensor) -> torch.Tensor:
    return torch.cat([t.flatten() for a, b in model.adapter(z).values() for t in (a, b)])


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(torch.nn.functional.cosine_similarity(a, b, dim=0))


@torch.no_grad()
def sequence_movement(session: Any, model: EvoHypernet, seq: SequenceInfo, bench_dir: Path, clones: Path | None,
                      max_steps: int) -> dict[str, Any]:
    encoder = session.encoder
    z = model.start(torch.from_numpy(np.asarray(encoder.embed(start_files(seq, clones)).vector)))
    adapter = adapter_vector(model, z)
    first_adapter = adapter
    steps = [s for s in bench.steps(seq, bench_dir) if s.change != "tests"][:max_steps]
    rows = []
    commit_start: dict[str, torch.Tensor] = {}
    commit_end: dict[str, torch.Tensor] = {}
    for step in steps:
        e = torch.from_numpy(np.asarray(encoder.embed([(step.path, step_text(step.path, step.change, step.diff))]).vector))
        z_next = model.step(z, e)
        nxt = adapter_vector(model, z_next)
        commit = step.commit.split(":")[0] if seq.provenance == "commits" else step.commit
        commit_start.setdefault(commit, adapter)
        commit_end[commit] = nxt
        rows.append({"adapter_cosine": cosine(adapter, nxt),
                     "adapter_update": float((nxt - adapter).norm() / adapter.norm().clamp_min(1e-12)),
                     "state_update": float((z_next - z).norm() / z.norm().clamp_min(1e-12)),
                     "input_norm": float(model.step_input(e).norm() / np.sqrt(e.numel()))})
        z, adapter = z_next, nxt
    per_commit = [cosine(commit_start[c], commit_end[c]) for c in commit_start]
    return {"repo": seq.repo, "provenance": seq.provenance, "split": seq.split, "steps": rows,
            "commit_cosines": per_commit, "start_adapter": first_adapter, "end_adapter": adapter}


def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    q = np.quantile(np.asarray(values, dtype=np.float64), [0.1, 0.5, 0.9])
    return {"n": len(values), "p10": float(q[0]), "median": float(q[1]), "p90": float(q[2]), "min": float(min(values))}


def pairwise(vectors: list[torch.Tensor]) -> list[float]:
    return [1 - cosine(a, b) for i, a in enumerate(vectors) for b in vectors[i + 1:]]


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for prov in PROVENANCES:
        mine = [r for r in results if r["provenance"] == prov]
        steps = [s for r in mine for s in r["steps"]]
        out[prov] = {
            "sequences": len(mine),
            "one_minus_adapter_cosine_per_step": quantiles([1 - s["adapter_cosine"] for s in steps]),
            "relative_adapter_update_per_step": quantiles([s["adapter_update"] for s in steps]),
            "state_update_per_step": quantiles([s["state_update"] for s in steps]),
            # How different two repositories' adapters are at all: what a step's movement compares with.
            "one_minus_cosine_between_repositories_start": quantiles(pairwise([r["start_adapter"] for r in mine])),
            "one_minus_cosine_start_to_end": quantiles([1 - cosine(r["start_adapter"], r["end_adapter"]) for r in mine]),
            "standardised_input_rms": quantiles([s["input_norm"] for s in steps]),
            "one_minus_adapter_cosine_per_commit": quantiles([1 - c for r in mine for c in r["commit_cosines"]]),
        }
    return out


def sample(bench_dir: Path, provenance: str, repos: int) -> list[SequenceInfo]:
    seqs = [s for s in bench.sequences(bench_dir, provenance) if s.split in ("cr_val", "cr_test") and s.steps > 0]
    return sorted(seqs, key=lambda s: s.repo.lower())[:repos]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, default=MODELS_DIR / ".cache" / "lm" / "from_onnx.pt")
    parser.add_argument("--evo", type=Path, default=MODELS_DIR / "weights" / "evo.pt")
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "evo_session.json")
    parser.add_argument("--clones", type=Path, help="folder of the histories' clones (models.data.histories)")
    parser.add_argument("--repos", type=int, default=30, help="sequences of each provenance")
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--provenances", default="commits,release,replay",
                        help="which sequences: real commits (needs --clones), Debian release chains, replayed growth")
    args = parser.parse_args()
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    # The id is the checkpoint file's sha256, and a rebuild of the LM from lm.onnx by another torch version writes
    # other bytes for the same weights: the ids are recorded, not required to match.
    model, evo_state = load_evo(args.evo, None)
    results = []
    wanted = set(args.provenances.split(","))
    for prov, folder in (("commits", HISTORIES_DIR), ("release", BENCH_DIR), ("replay", BENCH_DIR)):
        if prov not in wanted:
            continue
        for seq in sample(folder, prov, args.repos):
            results.append(sequence_movement(session, model, seq, folder, args.clones, args.max_steps))
            print(f"{prov} {seq.repo}: {len(results[-1]['steps'])} steps", flush=True)
    summary = summarize(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "movement.json").write_text(json.dumps({
        "evo": args.evo.name, "lm_id": session.lm_id, "evo_trained_on_lm_id": evo_state["lm_id"],
        "repos_per_provenance": args.repos,
        "max_steps": args.max_steps, "summary": summary,
        # Per sequence, the median step's 1 - cosine between consecutive adapters (the figure draws every step).
        "sequences": [{k: r[k] for k in ("repo", "provenance", "split")} | {
            "steps": len(r["steps"]),
            "median_one_minus_adapter_cosine": float(f"{np.median([1 - s['adapter_cosine'] for s in r['steps']]):.3g}")
            if r["steps"] else None}
            for r in results],
    }, indent=1) + "\n")
    write_figure(results, args.out / "movement.svg")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
