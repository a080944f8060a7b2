"""What an 8-bit WASM graph of the base would cost in exact match, simulated in PyTorch on CR val before it is built.

    /usr/bin/python3 -m models.eval.int8_sim --lm models/.cache/base/<base>/lm.pt \
      --weights models/weights/<base>/single_memory.pt [--tasks-per-repo 10] [--settings loo]

The format issue 15 measured fastest for a prefill on WASM is onnxruntime's MatMulInteger path: each weight matrix
stored as int8 with one scale per output column (symmetric), each activation entering it quantized to uint8 with one
scale and zero point for the whole tensor (DynamicQuantizeLinear), products summed exactly. This fakes both in the
scorer's own decoding (models.eval.static_eval's Evaluator: its prompts, stop rules and float32 greedy decoding), on
the 7 projections of every layer and on the tied embedding (lookup and output head); the adapter's low-rank path
stays float, as it would in the graph. Each sequence gets its own activation scale, as the app runs one prompt at a
time. The float decodes of the same tasks come from the prediction cache (models.eval.memory_choice makes them);
the simulated ones are never cached. Adds its run to models/base/int8.json and rewrites INT8.md: greedy agreement
with float, exact match of both, and the paired difference with a 95% interval over repositories.
"""

from __future__ import annotations

import argparse
import json
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

import torch
import torch.nn.functional as F
from torch import Tensor

from models.data.bench import TaskRecord
from models.hashing import sha256_of
from models.lm.int8 import int8_arithmetic, products_replaced
from models.lm.model import CodeLM
from models.lm.runtime import setup_cpu
from models.static.config import EvalConfig, StaticConfig
from models.static.paths import CONFIGS_DIR, PREDICTIONS_DIR
from models.static.session import open_session

from .bootstrap import clustered_interval, clustered_paired_bootstrap
from .memory_choice import SETTINGS, Variant, decode, sample
from .metric import score
from .static_eval import flat

OUT = Path(__file__).resolve().parents[1] / "base"


# How the inputs of the weight products are quantized: "tensor" as DynamicQuantizeLinear does (one scale per
# sequence, the graph seeing one sequence at a time); "token" one scale and zero point per position (it tells the
# cost of the activations' outliers apart); "token-symmetric" one scale per position around a fixed zero point
# (what a graph can feed MatMulInteger's fast uint8 kernel: round(x / scale) + 128); "none" float (weights alone
# in 8 bits); "graph" the 8-bit graph the app runs on WASM, operation for operation (models.lm.int8: per token,
# its own zero point, the integer products exact).
ACTIVATIONS = ("tensor", "token", "token-symmetric", "none", "graph")


def quantize_activations(x: Tensor, per: str = "tensor") -> Tensor:
    """Quantized and back. "tensor" and "token" as DynamicQuantizeLinear: uint8, the range stretched to include 0,
    zero point rounded half to even and saturated, per sequence (every dimension but the first shares one scale) or
    per token (the last alone); "token-symmetric": 255 levels around 0 per token."""
    if per == "none":
        return x
    x32 = x.float()
    if per == "token-symmetric":
        scale = x32.abs().amax(dim=-1, keepdim=True) / 127.0
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        return (torch.clamp(torch.round(x32 / scale), -127, 127) * scale).to(x.dtype)
    dims = (x32.dim() - 1,) if per == "token" else tuple(range(1, x32.dim()))
    low = x32.amin(dim=dims, keepdim=True).clamp(max=0.0)
    high = x32.amax(dim=dims, keepdim=True).clamp(min=0.0)
    scale = (high - low) / 255.0
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))
    zero = torch.round(-low / safe).clamp(0, 255)
    q = torch.clamp(torch.round(x32 / safe) + zero, 0, 255)
    return ((q - zero) * safe).to(x.dtype)


def quantize_rows(weight: Tensor) -> Tensor:
    """int8 with one symmetric scale per row of [out, in] (per output column of the graph's [in, out]) and back."""
    scale = weight.abs().amax(dim=1, keepdim=True) / 127.0
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))
    return torch.clamp(torch.round(weight / safe), -127, 127) * safe


@contextmanager
def simulated_int8(lm: CodeLM, activations: str = "tensor") -> Iterator[None]:
    """The LM's weights and the inputs of its weight products as the 8-bit graph would see them, restored after."""
    saved = {name: p.detach().clone() for name, p in lm.named_parameters() if p.dim() == 2}
    with torch.no_grad():
        for p in saved:
            lm.get_parameter(p).copy_(quantize_rows(saved[p]))
    try:
        with products_replaced(
                lambda m, x: F.linear(quantize_activations(x, activations), m.weight),
                lambda model, hidden: quantize_activations(hidden, activations)
                @ model.embed.weight.transpose(0, 1).to(hidden.dtype)):
            yield
    finally:
        with torch.no_grad():
            for p, value in saved.items():
                lm.get_parameter(p).copy_(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--weights", type=Path, required=True, help="the memory LoRA the app's default mode uses")
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval_smollm2.json")
    parser.add_argument("--settings", default="loo", help="loo (leave-one-out), eo (earlier-only)")
    parser.add_argument("--tasks-per-repo", type=int, default=10)
    parser.add_argument("--predictions", type=Path, default=PREDICTIONS_DIR)
    parser.add_argument("--activations", choices=ACTIVATIONS, default="tensor")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    setup_cpu(args.threads)
    ecfg = EvalConfig.load(args.eval_config)
    session = open_session(args.lm, StaticConfig.load(args.config))
    tasks = sample("cr_val", args.tasks_per_repo, ecfg.seed)
    settings = [x for x in args.settings.split(",") if x]
    # The k the LoRA was trained with (models/memory/CHOICE.md), through memory_choice's own decoding.
    variant = Variant("published", args.weights, ecfg.memory.k)
    floats = decode(session, variant, ecfg, tasks, settings, args.predictions / "cache", cached_only=True)
    missing = [x for x in settings if x not in floats]
    if missing:
        raise SystemExit(f"no float decodes of {missing} on this CR val sample: run models.eval.memory_choice first")
    faked = int8_arithmetic(session.lm) if args.activations == "graph" else simulated_int8(session.lm, args.activations)
    with faked:
        quantized = decode(session, variant, ecfg, tasks, settings, None, cached_only=False)
    sha = sha256_of(args.weights)
    floats = {SETTINGS[x]: floats[x] for x in settings}
    quantized = {SETTINGS[x]: quantized[x] for x in settings}
    rows = flat(tasks)
    report(compare(floats, quantized, rows, ecfg), args.activations, sha)


def compare(floats: dict[str, dict[str, str]], quantized: dict[str, dict[str, str]], rows: list[TaskRecord],
            ecfg: EvalConfig) -> dict[str, Any]:
    """system -> greedy agreement, exact match of both sides and their paired difference, over repositories."""
    repos = [str(t["repo"]) for t in rows]
    out: dict[str, Any] = {}
    for system in floats:
        em_float = [float(score(floats[system][str(t["id"])], str(t["target"])).exact_match) for t in rows]
        em_int8 = [float(score(quantized[system][str(t["id"])], str(t["target"])).exact_match) for t in rows]
        out[system] = {
            "tasks": len(rows), "repositories": len(set(repos)),
            "identical_completions": sum(floats[system][str(t["id"])] == quantized[system][str(t["id"])] for t in rows),
            "exact_match_float": asdict(clustered_interval(em_float, repos, ecfg.bootstrap_samples, ecfg.seed)),
            "exact_match_int8": asdict(clustered_interval(em_int8, repos, ecfg.bootstrap_samples, ecfg.seed)),
            "int8_minus_float": asdict(
                clustered_paired_bootstrap(em_int8, em_float, repos, ecfg.bootstrap_samples, ecfg.seed)),
        }
    return out


def report(by_system: dict[str, Any], activations: str, sha: str, out: Path = OUT) -> None:
    """Adds this run to int8.json (one entry per way of quantizing the activations) and rewrites INT8.md."""
    path = out / "int8.json"
    result: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if result.get("weights_sha256") != sha:
        result = {"weights_sha256": sha, "runs": {}}
    result["runs"][activations] = by_system
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n")
    lines = ["# An 8-bit WASM graph of the base, simulated on CR val", "",
             "The memory-choice CR val sample (10 tasks per repository, seeded), in the app's default mode (the LoRA "
             f"trained on the tests-in-the-prompt format, sha256 `{sha[:12]}`). Weights in int8 per output column; "
             "the inputs of the weight products in uint8 per tensor (onnxruntime's DynamicQuantizeLinear and "
             "MatMulInteger), per token, or left float; faked in PyTorch against the float decodes of the same "
             "tasks. `graph` is the 8-bit graph the app runs on WASM (`lm_int8.onnx`), computed operation for "
             "operation by `models/lm/int8.py`. 95% intervals resample repositories. Written by "
             "`models.eval.int8_sim`.", "",
             "| activations | system | identical completions | EM float % [95% CI] | EM int8 % [95% CI] | "
             "int8 minus float [95% CI] |", "|---|---|---|---|---|---|"]
    for mode in ACTIVATIONS:
        for system, row in result["runs"].get(mode, {}).items():
            f, q, d = row["exact_match_float"], row["exact_match_int8"], row["int8_minus_float"]
            lines.append(f"| {mode} | {system} | {row['identical_completions']} of {row['tasks']} | "
                         f"{100 * f['mean']:.1f} [{100 * f['low']:.1f}, {100 * f['high']:.1f}] | "
                         f"{100 * q['mean']:.1f} [{100 * q['low']:.1f}, {100 * q['high']:.1f}] | "
                         f"{100 * d['difference']:+.1f} [{100 * d['low']:.1f}, {100 * d['high']:.1f}] |")
    (out / "INT8.md").write_text("\n".join(lines) + "\n")
    print((out / "INT8.md").read_text())


if __name__ == "__main__":
    main()
