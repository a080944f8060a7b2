"""The adapter training loop shared by Code2LoRA-Static, the single shared LoRA and the per-repository LoRA.

Repository-first: each step draws one repository (a DistributedSampler over repositories, so the same loop runs
under torchrun with DDP, one repository per rank per step), then up to `tasks_per_step` of its tasks; all of them
share the one adapter the module makes for that repository. Only the adapter module learns; the LM is frozen but
back-propagates into the LoRA tensors. AdamW + warmup/cosine; the best state by validation loss is kept. Runs on
the device the LM is on; with a checkpoint path it saves its whole state every `save_every` steps and resumes from it
(same repository stream, task draws and schedule as an uninterrupted run).
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from models.lm.loss import IGNORE, target_loss
from models.lm.model import CodeLM
from models.lm.runtime import Distributed, autocast
from models.lm.schedule import cosine_lr, horizon_for_deadline

from .config import TrainConfig
from .dataset import Example
from .prompts import training_batch


@dataclass
class TrainResult:
    best_state: dict[str, Tensor]
    best_val_loss: float
    best_step: int
    steps: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def repository_stream(repos: list[str], dist: Distributed, seed: int) -> Iterator[str]:
    """Endless shuffled passes over the repositories, this rank's share of each pass."""
    sampler = DistributedSampler(list(range(len(repos))), num_replicas=dist.world_size, rank=dist.rank,
                                 shuffle=True, seed=seed, drop_last=False)
    epoch = 0
    while True:
        sampler.set_epoch(epoch)
        for i in sampler:
            yield repos[i]
        epoch += 1


def adapter_loss(adapter: nn.Module, lm: CodeLM, embedding: Tensor, batch: list[Example], pad: int,
                 max_target: int, reduction: str = "mean") -> tuple[Tensor, int]:
    """Cross-entropy of the targets under the adapter made for this repository, and the number of target tokens."""
    ids, labels = training_batch([(e.prompt, e.target) for e in batch], pad, max_target)
    device = lm.embed.weight.device
    ids, labels, embedding = ids.to(device), labels.to(device), embedding.to(device)
    with autocast(device):
        lora = adapter(embedding)
        hidden, _ = lm.hidden_states(ids, lora=lora)
        loss = target_loss(lm.logits, hidden, labels, reduction)
    tokens = int((labels[:, 1:] != IGNORE).sum())
    return loss, tokens



@torch.no_grad()
def validation_loss(adapter: nn.Module, lm: CodeLM, val: dict[str, list[Example]], embeddings: dict[str, Tensor],
                    pad: int, max_target: int, batch_size: int) -> float:
    """Token-weighted mean target cross-entropy over every validation task."""
    total, count = 0.0, 0
    for repo in sorted(val):
        for start in range(0, len(val[repo]), batch_size):
            loss_sum, tokens = adapter_loss(adapter, lm, embeddings[repo], val[repo][start:start + batch_size],
                                            pad, max_target, reduction="none")
            total += float(loss_sum)
            count += tokens
    return total / max(count, 1)


def adamw(params: list[Tensor], lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (biases, norms and log-scales are left alone); shared by the
    Static, single-LoRA and Evo trainers."""
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.99))


def train_adapter(adapter: nn.Module, lm: CodeLM, train: dict[str, list[Example]], embeddings: dict[str, Tensor],
                  config: TrainConfig, lr: float, pad: int, max_target: int, dist: Distributed,
                  val: Optional[dict[str, list[Example]]] = None, minutes: Optional[float] = None,
                  log: Optional[Callable[[dict[str, float]], None]] = None, checkpoint: Optional[Path] = None,
                  save_every: int = 25, stop_at: Optional[int] = None) -> TrainResult:
    """Train `adapter` (repository embedding -> LoRA tensors); with `minutes`, the cosine horizon shrinks to fit.
    With `checkpoint`, a run resumes from that file when it exists and keeps it up to date; `stop_at` ends this
    process at that step (the schedule still runs to the horizon), to be resumed later."""
    adapter.to(lm.embed.weight.device)
    model: nn.Module = DistributedDataParallel(adapter) if dist.world_size > 1 else adapter
    params = [p for p in adapter.parameters() if p.requires_grad]
    optimizer = adamw(params, lr, config.weight_decay)
    order_seed = config.seed if config.stream_seed is None else config.stream_seed
    rng = np.random.default_rng(order_seed + dist.rank)
    repos = sorted(r for r in train if train[r])
    stream = repository_stream(repos, dist, order_seed)
    start = time.time()
    deadline = start + minutes * 60 if minutes else math.inf
    horizon = config.steps
    history: list[dict[str, float]] = []
    best_state = copy.deepcopy(adapter.state_dict())
    best_val, best_step = math.inf, 0
    step, spent = 0, 0.0
    val_seconds, last_val_seconds = 0.0, 0.0  # time spent in validation, all of it and the latest check
    if checkpoint is not None and checkpoint.exists():
        saved = torch.load(checkpoint, map_location=lm.embed.weight.device)
        adapter.load_state_dict(saved["adapter"])
        optimizer.load_state_dict(saved["optimizer"])
        rng.bit_generator.state = saved["rng"]
        step, horizon, spent = int(saved["step"]), int(saved["horizon"]), float(saved["seconds"])
        best_state, best_val, best_step = saved["best_state"], float(saved["best_val"]), int(saved["best_step"])
        val_seconds = float(saved.get("val_seconds", 0.0))
        last_val_seconds = float(saved.get("last_val_seconds", 0.0))
        history = list(saved["history"])
        for _ in range(step):  # the repository stream is deterministic: skip what the run already drew
            next(stream)
        start -= spent
        print(f"resumed at step {step} of {horizon} ({spent:.0f}s spent) from {checkpoint}", flush=True)

    def save() -> None:
        if checkpoint is None or not dist.is_main:
            return
        state = {"adapter": adapter.state_dict(), "optimizer": optimizer.state_dict(), "rng": rng.bit_generator.state,
                 "step": step, "horizon": horizon, "seconds": time.time() - start, "best_state": best_state,
                 "best_val": best_val, "best_step": best_step, "history": history,
                 "val_seconds": val_seconds, "last_val_seconds": last_val_seconds}
        partial = checkpoint.with_name(checkpoint.name + ".partial")
        torch.save(state, partial)
        partial.replace(checkpoint)

    def evaluate(step: int) -> None:
        nonlocal best_state, best_val, best_step, val_seconds, last_val_seconds
        if not val:
            return
        began = time.time()
        adapter.eval()
        loss = validation_loss(adapter, lm, val, embeddings, pad, max_target, config.tasks_per_step * 2)
        adapter.train()
        record = {"step": float(step), "val_loss": loss, "seconds": time.time() - start}
        history.append(record)
        if log and dist.is_main:
            log(record)
        if loss < best_val:
            best_val, best_step = loss, step
            best_state = copy.deepcopy(adapter.state_dict())
        last_val_seconds = time.time() - began
        val_seconds += last_val_seconds

    if step == 0:
        evaluate(0)
    adapter.train()
    while step < horizon:
        if stop_at is not None and step >= stop_at:
            save()
            return TrainResult(best_state, best_val, best_step, step, time.time() - start, history)
        repo = next(stream)
        pool = train[repo]
        picks = rng.choice(len(pool), size=min(config.tasks_per_step, len(pool)), replace=False)
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, lr, config.warmup_steps, horizon, config.min_lr_ratio)
        loss, _ = adapter_loss(model, lm, embeddings[repo], [pool[i] for i in picks], pad, max_target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, config.grad_clip))
        optimizer.step()
        step += 1
        if minutes and step == 10 or minutes and step % 50 == 0:
            # Validation is not a training step: its time leaves the per-step estimate, and the final check's
            # time is kept out of what the remaining steps may spend.
            per_step = (time.time() - start - val_seconds) / step
            horizon = horizon_for_deadline(step, per_step, deadline - time.time() - last_val_seconds, config.steps)
        if log and dist.is_main and step % 10 == 0:
            log({"step": float(step), "loss": float(loss), "grad_norm": grad_norm, "horizon": float(horizon),
                 "seconds": time.time() - start})
        if config.eval_every and step % config.eval_every == 0 and step < horizon:
            evaluate(step)
        if save_every and step % save_every == 0:
            save()
    evaluate(step)
    save()
    if not val:
        best_state, best_step = copy.deepcopy(adapter.state_dict()), step
    return TrainResult(best_state, best_val, best_step, step, time.time() - start, history)


def jsonl_logger(path: Path) -> Callable[[dict[str, float]], None]:
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(record: dict[str, float]) -> None:
        with path.open("a") as f:
            f.write(json.dumps(record) + "\n")
        print(json.dumps({k: round(v, 4) for k, v in record.items()}), flush=True)

    return write
