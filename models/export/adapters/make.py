"""Make a benchmark repository's adapter and write it as files other tools load.

    /usr/bin/python3 -m models.export.adapters.make --method static --repo <benchmark repository> --out <folder>

Writes <folder>/<repo>-<version>-<method>.gguf (llama.cpp: `--lora`) and <folder>/<repo>-<version>-<method>-peft/
(PEFT: adapter_model.safetensors, adapter_config.json) for the pinned base (models/configs/base_smollm2.json), from
the published weights of that base (models/weights/<base>/<method>.pt).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import torch

from models.base.paths import BASE_CACHE
from models.base.pins import BasePin
from models.data import bench
from models.data.paths import BENCH_DIR
from models.lm.lora import LoraWeights
from models.lm.runtime import setup_cpu
from models.static.config import StaticConfig
from models.static.dataset import StaticData, embed_repositories
from models.static.hypernet import SharedLora, histogram_tokens
from models.static.paths import CONFIGS_DIR, WEIGHTS_DIR
from models.static.session import Session, load_adapter, open_session

from .files import Provenance, file_stem, write_gguf, write_peft

HUB_IDS = {"smollm2-135m-instruct-q4_1": "HuggingFaceTB/SmolLM2-135M-Instruct"}


@dataclass(frozen=True)
class Made:
    lora: LoraWeights
    provenance: Provenance


def base_session(config: Path) -> tuple[Session, BasePin]:
    pin = BasePin.load()
    return open_session(BASE_CACHE / pin.name / "lm.pt", StaticConfig.load(config)), pin


@torch.no_grad()
def make_adapter(session: Session, pin: BasePin, method: str, weights: Path, repo: str,
                 bench_dir: Path = BENCH_DIR) -> Made:
    repos = {r.name: r for r in bench.repositories(bench_dir)}
    if repo not in repos:
        raise SystemExit(f"{repo!r} is not a benchmark repository (models/.cache/bench); see bench.repositories")
    module = load_adapter(weights, session)
    if isinstance(module, SharedLora):
        lora = module(torch.zeros(1))
    else:
        data = StaticData(repos={repo: repos[repo]}, tasks={}, embeddings={}, embedding_stats={})
        embed_repositories(data, session.encoder, [repo], log=False, histogram_tokens=histogram_tokens(module))
        lora = module(torch.from_numpy(data.embeddings[repo]))
    provenance = Provenance(repo, repos[repo].version, method, pin.name, pin.gguf_sha256, HUB_IDS.get(pin.name, pin.name))
    return Made(lora, provenance)


def write_all(made: Made, session: Session, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(made.provenance)
    return (write_gguf(out / f"{stem}.gguf", made.lora, session.lm.config, made.provenance),
            write_peft(out / f"{stem}-peft", made.lora, session.lm.config, made.provenance))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=("single", "static"), required=True)
    parser.add_argument("--repo", required=True, help="a benchmark repository's name")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--weights", type=Path, help="default: models/weights/<base>/<method>.pt")
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static_smollm2.json")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    setup_cpu(args.threads)
    session, pin = base_session(args.config)
    made = make_adapter(session, pin, args.method, args.weights or WEIGHTS_DIR / pin.name / f"{args.method}.pt",
                        args.repo)
    for path in write_all(made, session, args.out):
        print(path)


if __name__ == "__main__":
    main()
