"""Pretrain the code LM on the tokenised corpus (CPU or CUDA, bf16 autocast where fast), resumable, with a JSONL log.

    LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \\
      /usr/bin/python3 -m models.lm.train --run base [--deadline 2026-01-01T15:05:00Z] [--device cuda]

Runs unchanged under `torchrun --nproc_per_node N` (DDP over gloo; each rank draws its own windows; rank 0 logs,
evaluates and checkpoints). Re-running the same command resumes from the run's last checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel

from .config import LMConfig
from .data import WindowSampler, open_stream, validation_windows
from .loss import causal_lm_loss
from .model import CodeLM
from .paths import DEFAULT_CONFIG, DEFAULT_TRAIN_CONFIG, RUNS_DIR, TOKENS_DIR
from .runtime import autocast, resolve_device, setup_cpu, setup_distributed
from .schedule import cosine_lr, horizon_for_deadline


@torch.no_grad()
def evaluate(model: CodeLM, windows: torch.Tensor, batch: int, device: torch.device = torch.device("cpu")) -> float:
    """Mean next-token loss over the windows."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        chunk = windows[i : i + batch].to(device)
        with autocast(device):
            logits, _ = model(chunk)
        loss = causal_lm_loss(logits, chunk, reduction="none")
        total += float(loss.sum())
        count += loss.numel()
    model.train()
    return total / max(1, count)


def optimizer_for(model: CodeLM, lr: float, weight_decay: float, betas: tuple[float, float]) -> torch.optim.AdamW:
    """No weight decay on norms (1-d parameters)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=betas)


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True, help="run name (folder under models/.cache/lm/runs)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--train-config", type=Path, default=DEFAULT_TRAIN_CONFIG)
    parser.add_argument("--tokens", type=Path, default=TOKENS_DIR)
    parser.add_argument("--runs-dir", type=Path, default=RUNS_DIR)
    parser.add_argument("--deadline", help="UTC time (ISO 8601) by which training must end; sizes the schedule")
    parser.add_argument("--max-steps", type=int, help="override the train config's max_steps")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (1 holds up better on a busy CPU)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = parser.parse_args()

    setup_cpu(args.threads)
    device = resolve_device(args.device)
    dist = setup_distributed()
    config = LMConfig.load(args.config)
    hp: dict[str, Any] = json.loads(args.train_config.read_text())
    if args.max_steps is not None:
        hp["max_steps"] = args.max_steps
    deadline = datetime.fromisoformat(args.deadline.replace("Z", "+00:00")).timestamp() if args.deadline else None

    run_dir = args.runs_dir / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_path = run_dir / "checkpoint.pt"
    log_path = run_dir / "log.jsonl"

    torch.manual_seed(hp["seed"])
    model = CodeLM(config).to(device)
    optimizer = optimizer_for(model, hp["lr"], hp["weight_decay"], tuple(hp["betas"]))
    sampler = WindowSampler(open_stream(args.tokens / "train.u16"), hp["seq_len"], hp["batch_size"], hp["seed"] + dist.rank)
    val_stream = open_stream(args.tokens / "val.u16")
    val = validation_windows(val_stream, hp["seq_len"], hp["eval_windows"]) if len(val_stream) > hp["seq_len"] else None

    step, tokens_seen, elapsed = 0, 0, 0.0
    total_steps = hp["max_steps"]
    best_val = math.inf
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        sampler.restore(state["sampler"][dist.rank] if dist.rank < len(state["sampler"]) else state["sampler"][0])
        step, tokens_seen, elapsed = state["step"], state["tokens_seen"], state["elapsed"]
        total_steps, best_val = state["total_steps"], state.get("best_val", math.inf)
        if args.max_steps is not None:
            total_steps = args.max_steps
        print(f"resumed at step {step} ({tokens_seen} tokens, {elapsed:.0f}s)", flush=True)

    trainee: torch.nn.Module = DistributedDataParallel(model) if dist.world_size > 1 else model
    if dist.is_main:
        print(f"{model.num_parameters() / 1e6:.2f}M parameters; {len(sampler.stream) / 1e6:.1f}M train tokens", flush=True)

    def log(record: dict[str, Any]) -> None:
        if dist.is_main:
            record = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), **record}
            with log_path.open("a") as f:
                f.write(json.dumps(record) + "\n")
            print(json.dumps(record), flush=True)

    def checkpoint(kind: str = "checkpoint") -> None:
        if not dist.is_main:
            return
        save_checkpoint(checkpoint_path, {
            "model": model.state_dict(), "optimizer": optimizer.state_dict(), "sampler": [sampler.state()],
            "step": step, "tokens_seen": tokens_seen, "elapsed": elapsed, "total_steps": total_steps,
            "best_val": best_val, "config": config.to_dict(), "train_config": hp,
        })
        log({"event": kind, "step": step})

    if step == 0:
        log({"event": "start", "config": config.to_dict(), "train_config": hp, "params": model.num_parameters(),
             "world_size": dist.world_size, "deadline": args.deadline})
    last_checkpoint = time.time()
    process_start, first_step = time.time(), step
    window_start, window_steps = time.time(), 0
    seconds_per_step: float | None = None
    model.train()
    while step < total_steps:
        batch = sampler.next().to(device)
        lr = cosine_lr(step, hp["lr"], hp["warmup_steps"], total_steps, hp["min_lr_ratio"])
        for group in optimizer.param_groups:
            group["lr"] = lr
        t0 = time.time()
        with autocast(device):
            logits, _ = trainee(batch)
            loss = causal_lm_loss(logits, batch)
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), hp["grad_clip"]))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        elapsed += time.time() - t0
        step += 1
        window_steps += 1
        tokens_seen += batch.numel() * dist.world_size

        if step % hp["log_every"] == 0:
            now = time.time()
            seconds_per_step = (now - window_start) / window_steps
            log({"step": step, "loss": round(float(loss), 4), "lr": lr, "grad_norm": round(grad_norm, 3),
                 "tokens": tokens_seen, "tok_per_s": round(batch.numel() * dist.world_size / seconds_per_step),
                 "total_steps": total_steps})
            window_start, window_steps = now, 0
            # Fit the schedule to the deadline at the speed measured since this process started: freely while the
            # cosine is early, later only shorter (so the run still ends in time if the shared CPU slows down).
            if deadline is not None and step >= hp["warmup_steps"]:
                run_speed = (now - process_start) / max(1, step - first_step)
                fitted = horizon_for_deadline(step, run_speed, deadline - now, hp["max_steps"])
                total_steps = fitted if step < 0.6 * total_steps else min(total_steps, fitted)
        if val is not None and dist.is_main and (step % hp["eval_every"] == 0 or step == total_steps):
            val_loss = evaluate(model, val, hp["batch_size"], device)
            best_val = min(best_val, val_loss)
            log({"step": step, "val_loss": round(val_loss, 4), "val_ppl": round(math.exp(val_loss), 2),
                 "tokens": tokens_seen})
        if time.time() - last_checkpoint > hp["checkpoint_minutes"] * 60:
            checkpoint()
            last_checkpoint = time.time()

    if last_checkpoint < time.time() - 1:
        checkpoint()
    if dist.is_main:
        # final.pt loads on any machine: its weights are saved on the CPU whatever trained them.
        weights = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"model": weights, "config": config.to_dict(), "step": step, "tokens_seen": tokens_seen,
                    "elapsed": elapsed, "best_val": best_val, "train_config": hp}, run_dir / "final.pt")
        log({"event": "done", "step": step, "tokens": tokens_seen, "train_seconds": round(elapsed)})


if __name__ == "__main__":
    main()
