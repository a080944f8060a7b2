"""The prompts on which our PyTorch base is checked against llama.cpp: 50 cuts of the Python standard library.

    /usr/bin/python3 -m models.base.reference_prompts   (writes models/base/reference/prompts.json)

Each prompt is the text of a standard-library module up to a line chosen with a fixed seed, its last ~600
characters, tokenized by our tokenizer.json; the file keeps the text and the ids, so the check never depends on the
machine's Python version once written. scripts/llama-reference/ runs llama.cpp on these ids.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from models.tokenizer.bpe_encode import BpeTokenizer

from .paths import BASE_CACHE
from .pins import BasePin

STDLIB = Path("/usr/lib/python3.11")
OUT = Path(__file__).resolve().parent / "reference" / "prompts.json"
COUNT = 50
CHARS = 600
MAX_NEW_TOKENS = 16
TOP_K = 20


def cut_points(seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    files = sorted(p for p in STDLIB.glob("*.py") if p.stat().st_size > 4000)
    chosen = rng.sample(files, COUNT)
    out = []
    for path in chosen:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        code = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#") and i > 20]
        line = rng.choice(code)
        text = "".join(lines[:line]) + lines[line].rstrip("\n")
        # End mid-line, after the line's first half, so the continuation is code rather than a new statement.
        keep = len(text) - len(lines[line].rstrip("\n")) // 2
        out.append((path.name, text[:keep][-CHARS:]))
    return out


def main() -> None:
    pin = BasePin.load()
    tokenizer = BpeTokenizer.load(BASE_CACHE / pin.name / "tokenizer.json")
    prompts = [{"id": f"{i:02d}-{name}", "text": text, "ids": tokenizer.encode(text)}
               for i, (name, text) in enumerate(cut_points())]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"base": pin.name, "gguf_sha256": pin.gguf_sha256, "max_new_tokens": MAX_NEW_TOKENS,
                               "top_k": TOP_K, "prompts": prompts}, indent=1) + "\n")
    print(f"{len(prompts)} prompts, {sum(len(p['ids']) for p in prompts)} tokens -> {OUT}")


if __name__ == "__main__":
    main()
