"""Train Code2LoRA-Static (`--method static`) or the single shared LoRA (`--method single`) on the train split.

    /usr/bin/python3 -m models.static.train --method static --lm models/.cache/lm/<run>/best.pt [--minutes 12]
    torchrun --nproc_per_node N -m models.static.train ...     # the same script under DDP
    ... --device cuda                                          # where a GPU is lent
    ... --resume                                               # continue from the run folder's last.pt

Writes models/.cache/static/runs/<method>/best.pt (best by cross-repo validation loss), last.pt (the whole training
state, every 25 steps) and log.jsonl.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import torch

from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.lm.runtime import resolve_device, setup_cpu, setup_distributed

from .config import EvalConfig, MemoryConfig, StaticConfig, TrainConfig
from .dataset import Example, StaticData, embed_repositories, examples, load_tasks
from .hypernet import SharedLora, StaticHypernet
from .paths import CONFIGS_DIR, RUNS_DIR
from .session import METHODS, Session, build_adapter, load_shared_lora, open_session
from .trainer import jsonl_logger, train_adapter


def prepare(session: Session, bench_dir: Path, tcfg: TrainConfig, embed: bool = True) -> StaticData:
    """Tasks, and the repository embeddings unless `embed` is off (the single shared LoRA ignores them: zeros)."""
    data = load_tasks(bench_dir, {"train": tcfg.train_tasks_per_repo, "cr_val": tcfg.val_tasks_per_repo}, tcfg.seed)
    names = sorted(set(data.repos_with("train")) | set(data.repos_with("cr_val")))
    if not embed:
        data.embeddings = {n: np.zeros(session.embed_dim, dtype=np.float32) for n in names}
        return data
    seconds = embed_repositories(data, session.encoder, names,
                                 histogram_tokens=session.config.hypernet.histogram_tokens)
    print(f"repository embeddings: {len(names)} in {seconds:.0f}s", flush=True)
    return data


def training_memory_pool(repo: str, bench_dir: Path) -> list[TaskRecord]:
    """What a training or CR val prompt may recall: a training repository's train tasks (never its IR val or test
    ones), a CR val repository's tasks."""
    return [t for t in bench.static_tasks(repo, bench_dir) if t["split"] in ("train", "cr_val")]


def run(method: str, session: Session, data: StaticData, tcfg: TrainConfig, out_dir: Path,
        minutes: float | None, init_base: Path | None = None, lr: float | None = None, resume: bool = False,
        stop_at: int | None = None, memory: MemoryConfig | None = None, bench_dir: Path = BENCH_DIR) -> Path:
    """With `memory`, every prompt carries the repository's most similar other assertions (leave-one-out, as the
    scorer's `single_memory` system prompts): training repositories recall from their own train tasks only, so no
    IR val or test target enters a training prompt."""
    dist = setup_distributed()
    prompt = session.config.prompt
    make = lambda tasks: examples(tasks, session.tokens, prompt)  # noqa: E731
    if memory is not None:
        from models.memory.prompter import MemoryPrompter
        prompter = MemoryPrompter(session.tokens, prompt, memory, lambda repo: training_memory_pool(repo, bench_dir))
        make = prompter.examples
    train: dict[str, list[Example]] = {r: make(ts) for r, ts in data.tasks["train"].items()}
    val: dict[str, list[Example]] = {r: make(ts) for r, ts in data.tasks["cr_val"].items()}
    session.tokens.flush()
    embeddings = {r: torch.from_numpy(v) for r, v in data.embeddings.items()}
    adapter = build_adapter(method, session)
    if isinstance(adapter, StaticHypernet):
        adapter.set_input_statistics(torch.stack([embeddings[r] for r in sorted(train)]))
        if init_base:
            adapter.heads.load_base(load_shared_lora(init_base, session))
            adapter.heads.zero_()
    elif isinstance(adapter, SharedLora) and init_base:  # continue a trained single LoRA (on another prompt, say)
        with torch.no_grad():
            for m, (a, b) in load_shared_lora(init_base, session).items():
                adapter.a[m].copy_(a)
                adapter.b[m].copy_(b)
    torch.manual_seed(tcfg.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "log.jsonl"
    state_path = out_dir / "last.pt"
    if not resume:
        log_path.unlink(missing_ok=True)
        state_path.unlink(missing_ok=True)
    print(f"{method}: {sum(p.numel() for p in adapter.parameters()):,} parameters; "
          f"{sum(map(len, train.values()))} train tasks in {len(train)} repositories; "
          f"{sum(map(len, val.values()))} CR val tasks", flush=True)
    result = train_adapter(adapter, session.lm, train, embeddings, tcfg, lr or tcfg.lr[method], session.tokens.pad,
                           prompt.max_target_tokens, dist, val=val, minutes=minutes, log=jsonl_logger(log_path),
                           checkpoint=state_path, stop_at=stop_at)
    checkpoint = out_dir / "best.pt"
    if dist.is_main:
        torch.save({"method": method, "state": result.best_state, "lm_id": session.lm_id,
                    "static_config": session.config.to_dict(), "lm_config": session.lm.config.to_dict(),
                    "embed_dim": session.embed_dim,
                    "train_config": tcfg.__dict__,
                    "prompt": "memory" if memory is not None else "prefix",
                    "memory_config": memory.__dict__ if memory is not None else None,
                    "init_base": str(init_base) if init_base else None,
                    "best_step": result.best_step, "best_val_loss": result.best_val_loss, "steps": result.steps,
                    "seconds": result.seconds, "history": result.history,
                    "train_tasks": sum(map(len, train.values())), "train_repos": len(train),
                    "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, checkpoint)
        summary = {"method": method, "best_step": result.best_step, "best_val_loss": result.best_val_loss,
                   "steps": result.steps, "seconds": round(result.seconds, 1)}
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
        print(json.dumps(summary), flush=True)
    return checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=METHODS, required=True)
    parser.add_argument("--lm", type=Path, required=True, help="the frozen LM's checkpoint")
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static.json")
    parser.add_argument("--train-config", type=Path, default=CONFIGS_DIR / "static_train.json")
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/<method>)")
    parser.add_argument("--minutes", type=float, default=None, help="fit the cosine schedule into this budget")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=None, help="peak learning rate (default: the train config's)")
    parser.add_argument("--init-base", type=Path, default=None,
                        help="a single-shared-LoRA run whose (A, B) the hypernetwork's shared base (or, with "
                             "--method single, the LoRA itself) starts from")
    parser.add_argument("--prompt", choices=("prefix", "memory"), default="prefix",
                        help="memory: the repository's most similar assertions ahead of the prefix (models/memory)")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval.json",
                        help="where --prompt memory reads k and the block's token budget (the scorer's settings)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--resume", action="store_true", help="continue from <out>/last.pt when it exists")
    parser.add_argument("--stop-at", type=int, default=None,
                        help="end this process at this step (last.pt kept; --resume continues the same schedule)")
    parser.add_argument("--steps", type=int, default=None,
                        help="the cosine horizon, fixed (a control matched to another run's step count); default: "
                             "the train config's")
    parser.add_argument("--embed-only", action="store_true",
                        help="only fill the file-vector cache for every benchmark repository")
    args = parser.parse_args()
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    session.lm.to(resolve_device(args.device))
    tcfg = TrainConfig.load(args.train_config)
    if args.steps is not None:
        tcfg = dataclasses.replace(tcfg, steps=args.steps)
    if args.embed_only:
        data = load_tasks(args.bench, {"train": 1, "cr_val": 1, "cr_test": 1, "ir_test": 1}, tcfg.seed)
        seconds = embed_repositories(data, session.encoder, sorted(data.repos))
        print(f"repository embeddings: {len(data.repos)} in {seconds:.0f}s", flush=True)
        return
    data = prepare(session, args.bench, tcfg, embed=args.method == "static")
    memory = EvalConfig.load(args.eval_config).memory if args.prompt == "memory" else None
    run(args.method, session, data, tcfg, args.out or RUNS_DIR / args.method, args.minutes, args.init_base, args.lr,
        args.resume, args.stop_at, memory, args.bench)


if __name__ == "__main__":
    main()
