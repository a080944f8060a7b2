"""Train Code2LoRA-Evo with truncated BPTT over the evolution track's training sequences.

Each optimiser step draws one sequence (repository-first), then a task-bearing step t of it; the state is carried
without gradients up to the start of a window of at most `bptt` state updates that ends at t, and with gradients
through the window, so the GRU learns how diffs should move the adapter. Up to `adapters_per_step` task-bearing
steps of that window each contribute tasks under their own adapter (tasks of one step share one adapter, as in the
paper). Validation: the cross-entropy of seeded CR val tasks, each under the state its step reached.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch
from torch import Tensor

from models.lm.loss import IGNORE, target_loss
from models.lm.model import CodeLM
from models.lm.runtime import autocast
from models.lm.schedule import cosine_lr, horizon_for_deadline
from models.static.dataset import Example
from models.static.hypernet import LoraWeightsT
from models.static.prompts import training_batch
from models.static.trainer import adamw

from .config import EvoTrainConfig
from .data import EvoSequence, state_inputs
from .model import EvoHypernet


@dataclass
class EvoTrainResult:
    best_state: dict[str, Tensor]
    best_val_loss: float
    best_step: int
    steps: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    finished: bool = True  # False when the run stopped at `stop_at`, to be resumed


def task_loss(lora: LoraWeightsT, lm: CodeLM, batch: list[Example], pad: int, max_target: int,
              reduction: str = "mean") -> tuple[Tensor, int]:
    ids, labels = training_batch([(e.prompt, e.target) for e in batch], pad, max_target)
    device = lm.embed.weight.device
    ids, labels = ids.to(device), labels.to(device)
    with autocast(device):
        hidden, _ = lm.hidden_states(ids, lora=lora)
        loss = target_loss(lm.logits, hidden, labels, reduction)
    tokens = int((labels[:, 1:] != IGNORE).sum())
    return loss, tokens


def states_along(model: EvoHypernet, seq: EvoSequence, upto: int, start_state: Optional[Tensor] = None,
                 start_step: int = 0) -> dict[int, Tensor]:
    """z after each step in [start_step, upto] (inclusive), from z at start_step - 1 (or z_0)."""
    device = next(model.parameters()).device
    init, diffs = (t.to(device) for t in state_inputs(seq))
    z = model.start(init) if start_state is None else start_state
    out: dict[int, Tensor] = {}
    for i in range(start_step, upto + 1):
        if seq.emb.has_diff[i]:
            z = model.step(z, diffs[i])
        out[i] = z
    return out


@torch.no_grad()
def validation_loss(model: EvoHypernet, lm: CodeLM, val: list[EvoSequence], pad: int, max_target: int,
                    batch_size: int = 16) -> float:
    total, count = 0.0, 0
    for seq in val:
        last = max(seq.examples)
        states = states_along(model, seq, last)
        for i in sorted(seq.examples):
            lora = model.adapter(states[i])
            exs = seq.examples[i]
            for s in range(0, len(exs), batch_size):
                loss_sum, tokens = task_loss(lora, lm, exs[s:s + batch_size], pad, max_target, reduction="none")
                total += float(loss_sum)
                count += tokens
    return total / max(count, 1)


def window_loss(model: EvoHypernet, lm: CodeLM, seq: EvoSequence, cfg: EvoTrainConfig, rng: np.random.Generator,
                pad: int, max_target: int) -> Tensor:
    task_steps = sorted(seq.examples)
    end = int(rng.choice(task_steps))
    # The window: the last `bptt` state updates up to `end` (and the test steps among them).
    updates = np.flatnonzero(seq.emb.has_diff[:end + 1])
    start = int(updates[-cfg.bptt]) if len(updates) > cfg.bptt else 0
    if start > 0:
        with torch.no_grad():
            carried = states_along(model, seq, start - 1)[start - 1]
        states = states_along(model, seq, end, carried.detach(), start)
    else:
        states = states_along(model, seq, end)
    in_window = [i for i in task_steps if start <= i <= end and i != end]
    others = rng.choice(in_window, size=min(cfg.adapters_per_step - 1, len(in_window)), replace=False).tolist() \
        if in_window else []
    chosen = [end, *sorted(int(i) for i in others)]
    per = max(1, cfg.tasks_per_step // len(chosen))
    losses = []
    for i in chosen:
        pool = seq.examples[i]
        picks = rng.choice(len(pool), size=min(per, len(pool)), replace=False)
        loss, _ = task_loss(model.adapter(states[i]), lm, [pool[j] for j in picks], pad, max_target)
        losses.append(loss)
    return torch.stack(losses).mean()


def evo_optimizer(model: EvoHypernet, cfg: EvoTrainConfig) -> torch.optim.AdamW:
    """AdamW over the trainable parameters; with cfg.heads_lr_scale, the heads' own parameters (not the shared
    base) in groups of their own whose `lr_scale` the schedule multiplies."""
    params = [p for p in model.parameters() if p.requires_grad]
    if cfg.heads_lr_scale == 1.0:
        return adamw(params, cfg.lr, cfg.weight_decay)
    heads = {id(p) for n, p in model.named_parameters() if n.startswith("heads.") and not n.startswith("heads.base.")}
    optimizer = adamw([p for p in params if id(p) not in heads], cfg.lr, cfg.weight_decay)
    for group in adamw([p for p in params if id(p) in heads], cfg.lr, cfg.weight_decay).param_groups:
        if group["params"]:
            optimizer.add_param_group({**group, "lr_scale": cfg.heads_lr_scale})
    return optimizer


def train_evo(model: EvoHypernet, lm: CodeLM, train: list[EvoSequence], val: list[EvoSequence],
              cfg: EvoTrainConfig, pad: int, max_target: int, minutes: Optional[float] = None,
              log: Optional[Callable[[dict[str, float]], None]] = None, checkpoint: Optional[Path] = None,
              save_every: int = 50, stop_at: Optional[int] = None) -> EvoTrainResult:
    """With `checkpoint`, the run resumes from that file when it exists (model, optimiser, the data stream's
    position, the schedule, the best state so far) and keeps it up to date every `save_every` steps; `stop_at` ends
    this process at that step, the schedule still running to its horizon, to be resumed later."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = evo_optimizer(model, cfg)
    rng = np.random.default_rng(cfg.seed)
    start = time.time()
    deadline = start + minutes * 60 if minutes else math.inf
    horizon = cfg.steps
    history: list[dict[str, float]] = []
    best_state = copy.deepcopy(model.state_dict())
    best_val, best_step = math.inf, 0
    order: list[int] = []
    step = 0
    if checkpoint is not None and checkpoint.exists():
        saved = torch.load(checkpoint, map_location=next(model.parameters()).device, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        rng.bit_generator.state = saved["rng"]
        order, step, horizon = list(saved["order"]), int(saved["step"]), int(saved["horizon"])
        best_state, best_val, best_step = saved["best_state"], float(saved["best_val"]), int(saved["best_step"])
        history = list(saved["history"])
        start -= float(saved["seconds"])
        print(f"resumed at step {step} of {horizon} ({saved['seconds']:.0f}s spent) from {checkpoint}", flush=True)

    def save() -> None:
        if checkpoint is None:
            return
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "rng": rng.bit_generator.state,
                 "order": order, "step": step, "horizon": horizon, "best_state": best_state, "best_val": best_val,
                 "best_step": best_step, "history": history, "seconds": time.time() - start}
        partial = checkpoint.with_name(checkpoint.name + ".partial")
        torch.save(state, partial)
        partial.replace(checkpoint)

    def evaluate(step: int) -> None:
        nonlocal best_state, best_val, best_step
        model.eval()
        loss = validation_loss(model, lm, val, pad, max_target)
        model.train()
        record = {"step": float(step), "val_loss": loss, "seconds": time.time() - start}
        history.append(record)
        if log:
            log(record)
        if loss < best_val:
            best_val, best_step = loss, step
            best_state = copy.deepcopy(model.state_dict())

    if step == 0:
        evaluate(0)
    model.train()
    while step < horizon:
        if stop_at is not None and step >= stop_at:
            save()
            return EvoTrainResult(best_state, best_val, best_step, step, time.time() - start, history, finished=False)
        if not order:
            order = rng.permutation(len(train)).tolist()
        seq = train[order.pop()]
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, cfg.lr, cfg.warmup_steps, horizon, cfg.min_lr_ratio) * group.get("lr_scale", 1.0)
        loss = window_loss(model, lm, seq, cfg, rng, pad, max_target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip))
        optimizer.step()
        step += 1
        if minutes and (step == 10 or step % 50 == 0):
            elapsed = time.time() - start
            horizon = horizon_for_deadline(step, elapsed / step, deadline - time.time(), cfg.steps)
        if log and step % 10 == 0:
            log({"step": float(step), "loss": float(loss), "grad_norm": grad_norm, "horizon": float(horizon),
                 "seconds": time.time() - start})
        if cfg.eval_every and step % cfg.eval_every == 0 and step < horizon:
            evaluate(step)
        if step % save_every == 0:
            save()
    evaluate(step)
    save()
    return EvoTrainResult(best_state, best_val, best_step, step, time.time() - start, history)
