"""Publish a trained run into models/weights/<method>.pt: the committed weights that scoring and export read.

    /usr/bin/python3 -m models.export.publish_weights --method static [--run models/.cache/static/runs/static/best.pt]

Parameters are stored as float16, the very numbers the ONNX graphs hold (their export rounds to float16 too), so the
scored models are the shipped ones and the files are half the size; buffers (input statistics) stay float32, as in
the graphs. Everything else of the run (configs, LM id, best step, validation history) is kept for RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import torch
from torch import nn

from models.evo.paths import RUNS_DIR as EVO_RUNS
from models.evo.session import load_evo
from models.lm.config import LMConfig
from models.static.config import StaticConfig
from models.static.export_onnx import load_hypernet
from models.static.hypernet import SharedLora
from models.static.paths import RUNS_DIR as STATIC_RUNS, WEIGHTS_DIR

METHODS = ("single", "static", "evo")


def default_run(method: str) -> Path:
    return (EVO_RUNS if method == "evo" else STATIC_RUNS) / method / "best.pt"


def build_module(checkpoint: Path, state: dict[str, Any]) -> nn.Module:
    """The run's module, rebuilt with the sizes it was trained with (only to tell parameters from buffers)."""
    method = state.get("method")
    if method == "static":
        return load_hypernet(checkpoint)[0]
    if method == "evo":
        return load_evo(checkpoint)[0]
    if method == "single":
        rank = StaticConfig.from_dict(state["static_config"]).hypernet.rank
        module = SharedLora(LMConfig.from_dict(state["lm_config"]), rank)
        module.load_state_dict(state["state"])
        return module
    raise ValueError(f"{checkpoint}: unknown method {method!r}")


def publish(checkpoint: Path, out: Path, method: str) -> dict[str, Any]:
    state = torch.load(checkpoint, map_location="cpu")
    if state.get("method") != method:
        raise ValueError(f"{checkpoint} is a {state.get('method')!r} run, not {method!r}")
    module = build_module(checkpoint, state)
    parameters = {name for name, _ in module.named_parameters()}
    weights = {name: (t.detach().half() if name in parameters and t.is_floating_point() else t.detach().clone())
               for name, t in module.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({**state, "state": weights, "weights": "float16 parameters, float32 buffers",
                "published_from": checkpoint.name}, out)
    return state


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=METHODS, required=True)
    parser.add_argument("--run", type=Path, default=None, help="the run's best.pt (default: the method's cache)")
    parser.add_argument("--out", type=Path, default=None, help="default models/weights/<method>.pt")
    args = parser.parse_args(argv)
    out = args.out or WEIGHTS_DIR / f"{args.method}.pt"
    try:
        state = publish(args.run or default_run(args.method), out, args.method)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    print(f"{out}: {out.stat().st_size:,} bytes (best step {state.get('best_step')}, "
          f"CR val loss {state.get('best_val_loss')})")


if __name__ == "__main__":
    main(sys.argv[1:])
