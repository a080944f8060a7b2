"""Train Code2LoRA-Evo on the evolution track's training sequences (best checkpoint by CR val loss).

    /usr/bin/python3 -m models.evo.train --lm models/.cache/lm/runs/base/final.pt \
        --init-base models/weights/single.pt [--minutes 25] [--control] [--device cuda] [--resume] [--stop-at N]

Needs the step embeddings (models.evo.step_embeddings). Writes models/.cache/evo/runs/evo/best.pt and log.jsonl.
--control trains Evo's control instead (models/evo/session.make_control: the shared base alone on Evo's data and
selection) and writes it as a single-shared-LoRA run, to runs/evo_control unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from models.data.paths import BENCH_DIR
from models.lm.runtime import resolve_device, setup_cpu
from models.static.config import StaticConfig
from models.static.session import load_shared_lora, open_session
from models.static.trainer import jsonl_logger

from .config import EvoConfig, EvoTrainConfig
from .data import fit_standardisers, load_sequences
from .paths import CONFIGS_DIR, RUNS_DIR, STEP_EMBEDDINGS_DIR
from .session import build_evo, control_checkpoint, make_control, save_evo, zero_heads
from .trainer import train_evo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "evo_session.json",
                        help="encoder, heads (with the shared base) and prompt settings of Evo")
    parser.add_argument("--evo-config", type=Path, default=CONFIGS_DIR / "evo.json")
    parser.add_argument("--train-config", type=Path, default=CONFIGS_DIR / "evo_train.json")
    parser.add_argument("--vectors", type=Path, default=STEP_EMBEDDINGS_DIR)
    parser.add_argument("--init-base", type=Path, default=None,
                        help="a single-shared-LoRA run whose (A, B) the heads' shared base starts from")
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/evo or runs/evo_control)")
    parser.add_argument("--control", action="store_true",
                        help="train the control: heads frozen at zero, only the shared base learns")
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--resume", action="store_true", help="continue from <out>/last.pt when it exists")
    parser.add_argument("--stop-at", type=int, default=None,
                        help="end this process at this step (last.pt kept; --resume continues the same schedule)")
    args = parser.parse_args()
    if args.control and not args.init_base:
        parser.error("--control starts from a single LoRA: give --init-base")
    args.out = args.out or RUNS_DIR / ("evo_control" if args.control else "evo")
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    config, tcfg = EvoConfig.load(args.evo_config), EvoTrainConfig.load(args.train_config)
    prompt = session.config.prompt
    # Step embeddings are the encoder's (the Static session's own LM, or the LM its config names), keyed by its id.
    encoder_id = session.encoder.encoder_id
    train = load_sequences(args.bench, args.vectors, encoder_id, "train", {"train"}, session.tokens, prompt)
    val = load_sequences(args.bench, args.vectors, encoder_id, "cr_val", {"cr_val"}, session.tokens, prompt,
                         cap_per_sequence=tcfg.val_tasks_per_sequence, seed=tcfg.seed)
    session.tokens.flush()
    torch.manual_seed(tcfg.seed)
    model = build_evo(session, config)
    fit_standardisers(model, train)
    if args.init_base:
        model.heads.load_base(load_shared_lora(args.init_base, session))
        zero_heads(model)
    if args.control:
        make_control(model)
    device = resolve_device(args.device)
    session.lm.to(device)
    model.to(device)
    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "log.jsonl"
    last = args.out / "last.pt"
    if not args.resume:
        log_path.unlink(missing_ok=True)
        last.unlink(missing_ok=True)
    print(f"evo: {sum(p.numel() for p in model.parameters()):,} parameters; {len(train)} train sequences with "
          f"{sum(len(ts) for s in train for ts in s.tasks.values())} tasks; {len(val)} CR val sequences with "
          f"{sum(len(ts) for s in val for ts in s.tasks.values())} tasks", flush=True)
    result = train_evo(model, session.lm, train, val, tcfg, session.tokens.pad, prompt.max_target_tokens,
                       args.minutes, jsonl_logger(log_path), checkpoint=last, stop_at=args.stop_at)
    if not result.finished:
        print(f"stopped at step {result.steps}; continue with --resume", flush=True)
        return
    result.best_state = {k: v.cpu() for k, v in result.best_state.items()}
    extra = {"best_step": result.best_step, "best_val_loss": result.best_val_loss, "steps": result.steps,
             "seconds": result.seconds, "history": result.history, "train_config": tcfg.__dict__,
             "init_base": str(args.init_base.name) if args.init_base else None,
             "train_sequences": len(train), "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if args.control:
        torch.save(control_checkpoint(result.best_state, session, extra), args.out / "best.pt")
    else:
        save_evo(args.out / "best.pt", result.best_state, session, config, extra)
    summary = {"method": "evo_control" if args.control else "evo", "best_step": result.best_step,
               "best_val_loss": result.best_val_loss, "steps": result.steps, "seconds": round(result.seconds, 1)}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
