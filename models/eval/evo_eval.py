"""Score Code2LoRA-Evo and its baselines on the evolution track, and add the rows to RESULTS.md and results.json.

    /usr/bin/python3 -m models.eval.evo_eval --lm models/.cache/lm/from_onnx.pt

Systems, each at the step that brings the task (the adapter has consumed that step's diff): pretrained, single shared
LoRA, Code2LoRA-Static (adapter from the snapshot of the production files at that step), Code2LoRA-Evo (the GRU state
after that step), and the repository-memory floor (pool: the sequence's assertions brought up to that step).
CR test: held-out repositories (replay sequences only: no release chain is held out). IR test: the chronologically
later tasks of training repositories, replay and release chains reported apart and together. Sequences whose step
embeddings are not cached (models.evo.step_embeddings did not reach them) are left out of the draw.

On the pretrained base (models/base/score_evo.sh): `--systems` names what is scored (a system whose weights are
not published is left out), `--splits` which splits, `--cache` keeps each system's completions by what determines
them (models/eval/prediction_cache.py), so the base and the single LoRA can be decoded while Evo trains
(`--decode-only`), and the report run reuses them.

On real commit histories (`--track histories --bench models/.cache/histories --clones DIR`,
models/base/score_evo_histories.sh): the same scoring on the histories' CR test, Static reading each history's first
commit from its clone; the report stands alone (models/base/histories/EVO.md and evo.json).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch

from models.data import bench
from models.data.bench import SequenceInfo, Step, TaskRecord
from models.data.histories.starts import start_files
from models.data.paths import BENCH_DIR
from models.evo.paths import PREDICTIONS_DIR, STEP_EMBEDDINGS_DIR
from models.evo.session import load_evo
from models.evo.snapshots import snapshots
from models.evo.step_embeddings import cache_path, load as load_step_embeddings
from models.evo.trainer import states_along
from models.evo.data import EvoSequence
from models.hashing import sha256_of
from models.lm.lora import LoraWeights
from models.lm.runtime import setup_cpu
from models.static.config import StaticConfig
from models.static.dataset import hypernet_input, seeded_sample
from models.static.generate import stop_token_ids
from models.static.paths import CONFIGS_DIR, RESULTS_JSON, RESULTS_MD, WEIGHTS_DIR
from models.static.prompts import prefix_prompt
from models.static.hypernet import histogram_tokens
from models.static.session import Session, load_adapter, open_session

from . import evo_histories_report
from .memory_floor import memory_predictions
from .predict import predict
from .prediction_cache import cache_key, cached
from .report import NOTES, write_report
from .scoring import summarize_split


# Shared LoRAs scored on the track: the single LoRA, and the controls where their weights are published: Evo's
# (models.evo.train --control: the single LoRA trained on for Evo's steps and data) and Static's (models.static.train
# --method single --init-base <single> --steps <Static's steps>: the same for Static's).
SHARED_SYSTEMS = ("single", "evo_control", "static_control")


@dataclass(frozen=True)
class EvoEvalConfig:
    cr_test_tasks_per_sequence: int = 6
    ir_test_tasks_per_sequence: int = 5
    ir_test_replay_sequences: int = 30
    max_new_tokens: int = 64
    bootstrap_samples: int = 2000
    seed: int = 0

    @classmethod
    def load(cls, path: Path) -> "EvoEvalConfig":
        return cls(**json.loads(path.read_text()))


@dataclass
class Sample:
    seq: SequenceInfo
    steps: list[Step]
    tasks: dict[int, list[TaskRecord]]      # step index -> sampled tasks

    @property
    def name(self) -> str:
        return f"{self.seq.repo}.{self.seq.provenance}"


def sample(seq: SequenceInfo, split: str, cap: int, seed: int, bench_dir: Path) -> Optional[Sample]:
    steps = bench.steps(seq, bench_dir)
    chosen = {str(t["id"]) for t in seeded_sample([t for s in steps for t in s.tasks if t["split"] == split],
                                                  cap, seed)}
    by_step = {i: [t for t in s.tasks if str(t["id"]) in chosen] for i, s in enumerate(steps)}
    by_step = {i: ts for i, ts in by_step.items() if ts}
    return Sample(seq, steps, by_step) if by_step else None


def samples(bench_dir: Path, cfg: EvoEvalConfig, vectors: Path, encoder_id: str) -> dict[str, list[Sample]]:
    seqs = [q for q in bench.sequences(bench_dir) if cache_path(vectors, encoder_id, q).exists()]
    cr = [s for s in (sample(q, "cr_test", cfg.cr_test_tasks_per_sequence, cfg.seed, bench_dir)
                      for q in seqs if q.split == "cr_test") if s]
    replay = sorted(q.repo for q in seqs if q.split == "train" and q.provenance == "replay")
    rng = np.random.default_rng(cfg.seed)
    keep = set(rng.choice(replay, size=min(cfg.ir_test_replay_sequences, len(replay)), replace=False).tolist())
    ir = [s for s in (sample(q, "ir_test", cfg.ir_test_tasks_per_sequence, cfg.seed, bench_dir) for q in seqs
                      if q.split == "train" and (q.provenance == "release" or q.repo in keep)) if s]
    return {"cr_test": cr, "ir_test": ir}


def group(s: Sample, step: int) -> str:
    return f"{s.name}#{step:05d}"


class Adapters:
    """Every scored system's adapter at every task-bearing step of the sampled sequences."""

    def __init__(self, session: Session, shared: dict[str, torch.nn.Module], static: Optional[torch.nn.Module],
                 evo: Optional[torch.nn.Module], vectors: Path, clones: Optional[Path] = None) -> None:
        """`shared`: the single shared LoRAs by system name (the single LoRA, and Evo's control where there is one);
        `static` and `evo` are None where they are not scored; `clones`: where a real history's first commit is
        read for Static's snapshots (models.data.histories)."""
        self.session, self.shared, self.static, self.evo, self.vectors = session, shared, static, evo, vectors
        self.clones = clones
        names = (*shared, *(["static"] if static is not None else []), *(["evo"] if evo is not None else []))
        self.by_system: dict[str, dict[str, LoraWeights]] = {name: {} for name in names}
        self.seconds: dict[str, list[float]] = {"static": [], "evo": [], "encode": []}

    @torch.no_grad()
    def add(self, s: Sample) -> None:
        shared = {name: adapter(torch.zeros(1)) for name, adapter in self.shared.items()}
        last = max(s.tasks)
        for i in s.tasks:
            for name, lora in shared.items():
                self.by_system[name][group(s, i)] = lora
        if self.evo is not None:
            emb = load_step_embeddings(self.vectors, self.session.encoder.encoder_id, s.seq)
            t0 = time.perf_counter()
            states = states_along(self.evo, EvoSequence(s.seq, emb, {}, {}), last)  # type: ignore[arg-type]
            self.seconds["evo"].append((time.perf_counter() - t0) / max(1, int(emb.has_diff[:last + 1].sum())))
            for i in s.tasks:
                self.by_system["evo"][group(s, i)] = self.evo.adapter(states[i])
        if self.static is None:
            return
        histogram = histogram_tokens(self.static)
        for i, files in snapshots(start_files(s.seq, self.clones), s.steps[:last + 1]):
            if i not in s.tasks:
                continue
            t0 = time.perf_counter()
            vector, _ = hypernet_input(self.session.encoder, sorted(files.items()), histogram)
            t1 = time.perf_counter()
            self.by_system["static"][group(s, i)] = self.static(torch.from_numpy(vector))
            self.seconds["encode"].append(t1 - t0)
            self.seconds["static"].append(time.perf_counter() - t1)


def evaluate(session: Session, bench_dir: Path, cfg: EvoEvalConfig, runs: dict[str, Path], vectors: Path,
             predictions_dir: Path, systems: tuple[str, ...] = ("pretrained", *SHARED_SYSTEMS, "static", "evo"),
             splits: tuple[str, ...] = ("cr_test", "ir_test"), cache_dir: Optional[Path] = None,
             decode_only: bool = False, clones: Optional[Path] = None) -> dict[str, Any]:
    """`runs`: the weights of each trained system to score. With `cache_dir`, each system's completions of a split
    are kept under a key of what determines them; `decode_only` stops after decoding (nothing summarised)."""
    shared = {name: load_adapter(runs[name], session) for name in SHARED_SYSTEMS if name in systems}
    static = load_adapter(runs["static"], session) if "static" in systems else None
    evo = load_evo(runs["evo"], session)[0] if "evo" in systems else None
    adapters = Adapters(session, shared, static, evo, vectors, clones)
    stops = stop_token_ids(session.tokens)
    prompt_cfg = session.config.prompt
    # Only a cached run keys completions by the adapter files' bytes.
    adapter_sha256 = {name: sha256_of(path) for name, path in runs.items()} if cache_dir is not None else {}
    settings = {"track": "evolution", "prompt": prompt_cfg.__dict__, "max_new_tokens": cfg.max_new_tokens}

    def prompt_for(task: TaskRecord) -> list[int]:
        prefix, _ = session.tokens.task(task)
        return prefix_prompt(prefix, prompt_cfg.prompt_budget, session.tokens.eot, prompt_cfg.length_quantum)

    def decode(system: str, grouped: dict[str, list[TaskRecord]]) -> dict[str, str]:
        table = adapters.by_system.get(system)
        make = lambda: predict(system, session, grouped, None if table is None else (lambda k: table[k]),  # noqa: E731
                               prompt_for, cfg.max_new_tokens, stops)
        if cache_dir is None:
            return make().texts
        key = cache_key(system, session.lm_id, adapter_sha256.get(system), settings,
                        [str(t["id"]) for ts in grouped.values() for t in ts])
        t0 = time.time()
        out, reused = cached(cache_dir, key, make)
        print(f"  {system}: {len(out.texts)} tasks " + ("reused" if reused else f"in {time.time() - t0:.0f}s"),
              flush=True)
        return out.texts

    out: dict[str, Any] = {"splits": {}, "config": cfg.__dict__}
    for split, chosen in samples(bench_dir, cfg, vectors, session.encoder.encoder_id).items():
        if split not in splits:
            continue
        for s in chosen:
            adapters.add(s)
        grouped = {group(s, i): ts for s in chosen for i, ts in s.tasks.items()}
        tasks = [t for k in sorted(grouped) for t in grouped[k]]
        print(f"{split}: {len(tasks)} tasks in {len(chosen)} sequences", flush=True)
        start = time.time()
        texts = {system: decode(system, grouped) for system in systems}
        print(f"  decoded {len(texts)} systems in {time.time() - start:.0f}s", flush=True)
        if decode_only:
            continue
        texts["memory"] = {}
        for s in chosen:
            seen: list[TaskRecord] = []
            for i, step in enumerate(s.steps[:max(s.tasks) + 1]):
                seen.extend(step.tasks)
                if i in s.tasks:
                    texts["memory"].update(memory_predictions(s.tasks[i], list(seen)))
        save_predictions(predictions_dir, split, texts, tasks)
        out["splits"][split] = summarize_split(texts, tasks, "evo", cfg.bootstrap_samples, cfg.seed)
        for provenance in ("replay", "release"):
            mine = [t for t in tasks if str(t["commit"]).startswith(provenance + ":")]
            if mine and len(mine) < len(tasks):
                out["splits"][f"{split}_{provenance}"] = summarize_split(texts, mine, "evo", cfg.bootstrap_samples,
                                                                         cfg.seed)
    session.tokens.flush()
    out["costs"] = {name: float(np.median(v)) if v else 0.0 for name, v in adapters.seconds.items()}
    return out


def save_predictions(folder: Path, split: str, texts: dict[str, dict[str, str]], tasks: list[TaskRecord]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{split}.jsonl").open("w") as f:
        for t in tasks:
            row = {"id": t["id"], "commit": t["commit"], "kind": t["kind"], "target": t["target"]}
            row |= {name: texts[name].get(str(t["id"])) for name in texts}
            f.write(json.dumps(row) + "\n")


def published_systems(requested: list[str], weights: Path) -> tuple[tuple[str, ...], dict[str, Path]]:
    """The requested systems that can be scored (the base alone always; a trained one where <weights>/<name>.pt
    exists), in the order asked, and the weights each reads."""
    runs = {m: weights / f"{m}.pt" for m in (*SHARED_SYSTEMS, "static", "evo")}
    runs = {m: path for m, path in runs.items() if path.exists() and m in requested}
    return tuple(s for s in requested if s == "pretrained" or s in runs), runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "evo_eval.json")
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR,
                        help="folder with the published single.pt, static.pt, evo.pt (and evo_control.pt, "
                             "static_control.pt)")
    parser.add_argument("--vectors", type=Path, default=STEP_EMBEDDINGS_DIR)
    parser.add_argument("--results-md", type=Path, default=RESULTS_MD)
    parser.add_argument("--results-json", type=Path, default=RESULTS_JSON)
    parser.add_argument("--notes", type=Path, default=NOTES, help="the hand-written account appended to the report")
    parser.add_argument("--systems", default="pretrained,single,evo_control,static_control,static,evo",
                        help="systems to score; a trained one whose weights are not published is left out")
    parser.add_argument("--splits", default="cr_test,ir_test")
    parser.add_argument("--predictions", type=Path, default=PREDICTIONS_DIR,
                        help="where each split's completions are written beside the task (one jsonl per split)")
    parser.add_argument("--cache", type=Path, default=None, help="keep and reuse completions here")
    parser.add_argument("--decode-only", action="store_true", help="decode into --cache and stop")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clones", type=Path, default=None,
                        help="the histories' clones, where Static reads a real history's first commit")
    parser.add_argument("--track", choices=("benchmark", "histories"), default="benchmark",
                        help="histories (with --bench models/.cache/histories): the report stands alone in "
                             "--results-md/--results-json (models/base/histories/EVO.md and evo.json)")
    args = parser.parse_args()
    if args.decode_only and args.cache is None:
        parser.error("--decode-only needs --cache")
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    systems, runs = published_systems(args.systems.split(","), args.weights)
    for left in sorted(set(args.systems.split(",")) - set(systems)):
        print(f"{left}: no published weights in {args.weights}, left out", flush=True)
    if not args.decode_only and "evo" not in systems:
        raise SystemExit(f"no {args.weights / 'evo.pt'}: train Evo (models.evo.train) and publish it first")
    start = time.time()
    evolution = evaluate(session, args.bench, EvoEvalConfig.load(args.eval_config), runs, args.vectors,
                         args.predictions, systems, tuple(args.splits.split(",")), args.cache, args.decode_only,
                         args.clones)
    if args.decode_only:
        return
    evo_state = torch.load(runs["evo"], map_location="cpu")
    evolution["run"] = {k: evo_state.get(k) for k in ("best_step", "best_val_loss", "steps", "seconds",
                                                      "train_sequences", "finished", "train_config", "evo_config")}
    evolution["seconds"] = round(time.time() - start, 1)
    if args.track == "histories":
        evo_histories_report.write(evolution, args.results_md, args.results_json)
        print(args.results_md.read_text())
        return
    results = json.loads(args.results_json.read_text())
    if results.get("lm_id") != session.lm_id:
        raise SystemExit(f"{args.results_json} was made with LM {results.get('lm_id')}: run models.eval.static_eval first")
    results["evolution"] = evolution
    write_report(results, args.results_md, args.results_json, args.notes)


if __name__ == "__main__":
    main()
