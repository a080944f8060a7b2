"""Our PyTorch base against llama.cpp on the same GGUF file: tokenization, next-token logits, greedy continuations.

    /usr/bin/python3 -m models.base.reference_check   (writes models/base/reference/REFERENCE.md)

llama.cpp's outputs (scripts/llama-reference/, node-llama-cpp) are committed as reference/llama_cpp.json.gz; this
computes ours on the same prompt ids and compares. llama.cpp multiplies Q4_1 weights by activations it quantizes to
8 bits, we by the exactly dequantized weights in float32, so logits differ a little and greedy decoding can part at
a near tie; the report gives both, and the test (test_base.py) holds them to the tolerances stated there.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from models.lm.model import CodeLM

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
PROMPTS = REFERENCE_DIR / "prompts.json"
# llama.cpp's outputs, gzipped as written (`gzip -9n`): on the pinned Q4_1 file, and on the same weights dequantized
# (f32_gguf.py)
LLAMA = REFERENCE_DIR / "llama_cpp.json.gz"
LLAMA_F32 = REFERENCE_DIR / "llama_cpp_f32.json.gz"
REPORT = REFERENCE_DIR / "REFERENCE.md"


@dataclass(frozen=True)
class Ours:
    greedy: list[int]
    top_logits: list[tuple[int, float]]
    logits: torch.Tensor   # the full next-token logits after the prompt


@torch.no_grad()
def run_ours(lm: CodeLM, ids: list[int], max_new_tokens: int, top_k: int) -> Ours:
    logits, past = lm(torch.tensor([ids]))
    first = logits[0, -1].float()
    values, indices = first.topk(top_k)
    greedy: list[int] = []
    nxt = int(first.argmax())
    for _ in range(max_new_tokens):
        greedy.append(nxt)
        logits, past = lm(torch.tensor([[nxt]]), past=past)
        nxt = int(logits[0, -1].argmax())
    return Ours(greedy, list(zip(indices.tolist(), values.tolist())), first)


def common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def compare(prompts: list[dict[str, Any]], llama: dict[str, dict[str, Any]], ours: dict[str, Ours]) -> dict[str, Any]:
    rows = []
    for p in prompts:
        ref, mine = llama[p["id"]], ours[p["id"]]
        ref_top = [(int(i), float(v)) for i, v in ref["top_logits"]]
        diffs = [abs(float(mine.logits[i]) - v) for i, v in ref_top]
        rows.append({
            "id": p["id"],
            "tokenization_equal": ref["llama_ids"] == p["ids"],
            "greedy_equal": ref["greedy"] == mine.greedy,
            "greedy_common_prefix": common_prefix(ref["greedy"], mine.greedy),
            "top1_equal": ref_top[0][0] == mine.top_logits[0][0],
            "max_abs_logit_diff_top_k": max(diffs),
            "top1_margin_ours": mine.top_logits[0][1] - mine.top_logits[1][1],
        })
    n = len(rows)
    return {
        "prompts": n,
        "tokenization_equal": sum(r["tokenization_equal"] for r in rows),
        "greedy_equal": sum(r["greedy_equal"] for r in rows),
        "top1_equal": sum(r["top1_equal"] for r in rows),
        "max_abs_logit_diff_top_k": max(r["max_abs_logit_diff_top_k"] for r in rows),
        "mean_max_abs_logit_diff_top_k": sum(r["max_abs_logit_diff_top_k"] for r in rows) / n,
        "rows": rows,
    }


def our_outputs(lm: CodeLM, limit: int | None = None) -> tuple[dict[str, Any], dict[str, Ours]]:
    """The prompts file and our outputs on its first `limit` prompts (all by default)."""
    prompts = json.loads(PROMPTS.read_text())
    prompts["prompts"] = prompts["prompts"][:limit]
    ours = {p["id"]: run_ours(lm, p["ids"], prompts["max_new_tokens"], prompts["top_k"]) for p in prompts["prompts"]}
    return prompts, ours


def check(prompts: dict[str, Any], ours: dict[str, Ours], reference: Path) -> dict[str, Any]:
    llama = json.loads(gzip.decompress(reference.read_bytes()))
    if reference == LLAMA and llama.get("gguf_sha256") != prompts["gguf_sha256"]:
        raise ValueError(f"{reference.name} was computed on another GGUF file than prompts.json names")
    by_id = {r["id"]: r for r in llama["results"]}
    result = compare(prompts["prompts"], by_id, ours)
    result["tool"] = llama.get("tool")
    return result


def summary_lines(title: str, result: dict[str, Any]) -> list[str]:
    n = result["prompts"]
    diverged = [r for r in result["rows"] if not r["greedy_equal"]]
    lines = [
        f"## {title}", "",
        f"- Tokenization: llama.cpp's ids equal ours on {result['tokenization_equal']} of {n} prompts.",
        f"- Greedy continuations ({json.loads(PROMPTS.read_text())['max_new_tokens']} tokens): identical on "
        f"{result['greedy_equal']} of {n}; first token identical on {result['top1_equal']} of {n}.",
        f"- Next-token logits over llama.cpp's top {json.loads(PROMPTS.read_text())['top_k']}: max |difference| "
        f"{result['max_abs_logit_diff_top_k']:.2e} (mean over prompts of the per-prompt max "
        f"{result['mean_max_abs_logit_diff_top_k']:.2e}).",
    ]
    if diverged:
        lines += ["", "Where the greedy continuations part (index of the first differing token; our margin between the top two first tokens):", ""]
        lines += [f"- {r['id']}: at {r['greedy_common_prefix']}, margin {r['top1_margin_ours']:.3f}" for r in diverged]
    return lines + [""]


def write_report(quantized: dict[str, Any], dequantized: dict[str, Any], path: Path = REPORT) -> None:
    lines = [
        "# Our PyTorch base against llama.cpp", "",
        f"{quantized['prompts']} prompts cut from the Python standard library (`prompts.json`); reference computed with "
        f"{quantized['tool']} (`scripts/llama-reference/`, CPU, 1 thread, float32 KV cache), ours with "
        "`models/lm/model.py` on the weights dequantized to float32 (`models.base.reference_check`).", "",
        "The pinned file is Q4_1: llama.cpp's CPU kernels multiply those weights by activations rounded to 8 bits, we "
        "by exactly dequantized weights in float32, so the two differ by up to about a logit and greedy decoding can "
        "part where the top two tokens are close. Run on the same weights written as float32 "
        "(`models.base.f32_gguf`), llama.cpp computes what we compute, and that comparison tests the implementation.",
        "",
    ]
    lines += summary_lines("llama.cpp on the float32 file (same weights as ours)", dequantized)
    lines += summary_lines("llama.cpp on the pinned Q4_1 file", quantized)
    path.write_text("\n".join(lines))


def main() -> None:
    from models.lm.runtime import setup_cpu
    from models.static.frozen_lm import load_frozen_lm

    from .paths import BASE_CACHE
    from .pins import BasePin

    setup_cpu(2)
    lm, _ = load_frozen_lm(BASE_CACHE / BasePin.load().name / "lm.pt")
    prompts, ours = our_outputs(lm)
    quantized, dequantized = check(prompts, ours, LLAMA), check(prompts, ours, LLAMA_F32)
    (REFERENCE_DIR / "comparison.json").write_text(json.dumps({"q4_1": quantized, "f32": dequantized}, indent=1) + "\n")
    write_report(quantized, dequantized)
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
