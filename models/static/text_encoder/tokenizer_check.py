"""Our WordPiece against the Hugging Face `tokenizers` library's JavaScript build (the app's dependency) on the
package's own tokenizer.json: the leading 3,000 characters of 5 production files from each of 60 seeded benchmark
repositories, and strings that exercise the normalizer (accents, CJK, controls, odd spaces, long words).

    /usr/bin/python3 -m models.static.text_encoder.tokenizer_check
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
from pathlib import Path

from models.static.paths import FILES_CACHE_DIR
from models.lm.paths import MODELS_DIR

from .setup import DEFAULT_PIN, require
from .wordpiece import WordPiece

REPO = MODELS_DIR.parent
EDGE_CASES = ["Héllo Wörld naïve café", "日本語のテキスト 中文", "x\u00a0y\u2028z\u0085w", "İstanbul ǅ ﬁ ½ ²",
              "a\x00b\ufffdc\x07d", "emoji 🎉 ok", "tab\tsep\r\nline", "a" * 150,
              "snake_case CamelCase __dunder__ 3.14e-5 0xFF"]
NODE = """
const { Tokenizer } = await import('@huggingface/tokenizers');
const { readFileSync } = await import('node:fs');
const [spec, texts] = process.argv.slice(1).map((p) => JSON.parse(readFileSync(p, 'utf8')));
const tokenizer = new Tokenizer(spec, {});
console.log(JSON.stringify(texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids)));
"""


def sample_texts(seed: int = 0) -> list[str]:
    files = sorted(FILES_CACHE_DIR.glob("*.json"))
    if not files:
        raise SystemExit(f"no production files cached in {FILES_CACHE_DIR}: build the benchmark and train or score once")
    texts = [text[:3000] for f in random.Random(seed).sample(files, min(60, len(files)))
             for _, text in json.loads(f.read_text())[:5]]
    return texts + EDGE_CASES


def main() -> None:
    folder = require(DEFAULT_PIN)
    texts = sample_texts()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(texts, f)
        f.flush()
        out = subprocess.run(["node", "--input-type=module", "-e", NODE, str(folder / "tokenizer.json"), f.name],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout
    theirs = json.loads(out)
    ours = WordPiece.load(folder / "vocab.txt")
    differ = [t[:60] for t, ids in zip(texts, theirs) if ours.encode(t) != ids]
    print(f"{len(texts) - len(differ)} of {len(texts)} texts identical ({sum(map(len, theirs)):,} tokens)")
    for text in differ[:5]:
        print(f"  differs: {text!r}")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
