"""Score Code2LoRA-Static and its baselines on CR test and IR test, and write RESULTS.md and results.json.

    /usr/bin/python3 -m models.eval.static_eval --lm models/.cache/lm/from_onnx.pt

The adapters are the committed ones (models/weights/single.pt, static.pt); models/score.sh runs this and the
evolution track from a clean checkout.

Systems: pretrained (no adapter), RAG (k production windows in the prompt budget), single shared LoRA,
Code2LoRA-Static, per-repository LoRA (trained here on a seeded sample of IR repositories, time measured), and the
non-neural repository-memory floor. Greedy decoding, at most max_new_tokens, stop at a newline or where the
expression ends (models/static/expression_end.py).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch

from models.data import bench
from models.data.bench import TaskRecord
from models.data.paths import BENCH_DIR
from models.hashing import sha256_of
from models.lm.lora import LoraWeights
from models.lm.runtime import Distributed, setup_cpu
from models.memory.prompter import MemoryPrompter
from models.static.config import EncoderConfig, EvalConfig, PerRepoLoraConfig, StaticConfig, TrainConfig
from models.static.dataset import StaticData, embed_repositories, examples, load_tasks
from models.static.generate import stop_token_ids
from models.static.hypernet import SharedLora, histogram_tokens
from models.static.paths import CONFIGS_DIR, PREDICTIONS_DIR, RESULTS_JSON, RESULTS_MD, WEIGHTS_DIR
from models.static.prompts import prefix_prompt, retrieval_prompt
from models.static.rag import Retriever
from models.static.session import Session, encoder_for, load_adapter, open_session, trained_encoder
from models.static.tokens import repository_files
from models.static.trainer import train_adapter

from .ir_sample import ir_test_draws, seeded_draws
from .memory_floor import memory_predictions
from .predict import Predictions, predict, with_stop_rules
from .prediction_cache import cache_key, cached, key_settings
from .comparisons import comparison_family
from .report import NOTES, read_results, write_report
from .scoring import summarize_split

# Untrained systems that prompt the base with the repository's own assertions: name -> earlier_only.
MEMORY_SYSTEMS = {"tests_memory": False, "tests_memory_earlier_only": True}
# Adapters trained on that prompt (models.static.train --prompt memory), scored in both settings:
# system -> (the published weights' name, earlier_only). static_memory is Code2LoRA-Static on top of the single
# memory LoRA (its shared base, frozen), trained on the same prompt.
MEMORY_ADAPTER_SYSTEMS = {"single_memory": ("single_memory", False),
                          "single_memory_earlier_only": ("single_memory", True),
                          "static_memory": ("static_memory", False),
                          "static_memory_earlier_only": ("static_memory", True)}


def weights_name(system: str) -> str:
    """The published weights a scored system reads (a memory-trained adapter is scored in two settings)."""
    return MEMORY_ADAPTER_SYSTEMS[system][0] if system in MEMORY_ADAPTER_SYSTEMS else system


def flat(tasks: dict[str, list[TaskRecord]]) -> list[TaskRecord]:
    return [t for repo in sorted(tasks) for t in tasks[repo]]


class Evaluator:
    def __init__(self, session: Session, data: StaticData, ecfg: EvalConfig, adapters: dict[str, torch.nn.Module],
                 cache_dir: Optional[Path] = None, adapter_sha256: Optional[dict[str, str]] = None,
                 bench_dir: Path = BENCH_DIR, embeddings: Optional[dict[str, dict[str, np.ndarray]]] = None,
                 encoders: Optional[dict[str, EncoderConfig]] = None):
        """`embeddings`: a hypernetwork's repository embeddings by its name (else data.embeddings); `encoders`: the
        encoder each hypernetwork was trained with (else the session's), which its cached completions are keyed by."""
        self.session = session
        self.embeddings = embeddings or {}
        self.encoders = encoders or {}
        self.cache_dir = cache_dir
        self.adapter_sha256 = adapter_sha256 or {}
        self.data = data
        self.ecfg = ecfg
        self.adapters = adapters
        self.stops = stop_token_ids(session.tokens)
        self.retrievers: dict[str, Retriever] = {}
        self.memory = MemoryPrompter(session.tokens, session.config.prompt, ecfg.memory,
                                     lambda repo: bench.static_tasks(repo, bench_dir))
        self.bench_dir = bench_dir

    def prefix_prompt(self, task: TaskRecord) -> list[int]:
        prefix, _ = self.session.tokens.task(task)
        cfg = self.session.config.prompt
        return prefix_prompt(prefix, cfg.prompt_budget, self.session.tokens.eot, cfg.length_quantum)

    def rag_prompt(self, task: TaskRecord) -> list[int]:
        repo = str(task["repo"])
        if repo not in self.retrievers:
            files = repository_files(self.data.repos[repo])
            self.retrievers[repo] = Retriever(files, self.ecfg.rag.window_lines)
        windows = self.retrievers[repo].top(str(task["prefix"]), self.ecfg.rag.k)
        chunks = [self.session.tokens.encode(w)[:self.ecfg.rag.chunk_tokens] for w in windows]
        prefix, _ = self.session.tokens.task(task)
        return retrieval_prompt(prefix, chunks, self.session.config.prompt.prompt_budget,
                                self.ecfg.rag.max_share_of_budget, self.session.tokens.eot,
                                self.session.config.prompt.length_quantum)

    def memory_prompt(self, task: TaskRecord, earlier_only: bool) -> list[int]:
        """The prefix with the repository's most similar other assertions ahead of it (models/memory)."""
        return self.memory.prompt(task, earlier_only)

    def adapter_for(self, name: str):  # type: ignore[no-untyped-def]
        module = self.adapters[name]

        embeddings = self.embeddings.get(name, self.data.embeddings)

        @torch.no_grad()
        def make(repo: str) -> Optional[LoraWeights]:
            return module(torch.from_numpy(embeddings[repo]))
        return make

    def run_parts(self, system: str, parts: list[dict[str, list[TaskRecord]]],
                  cached_only: bool = False) -> Optional[Predictions]:
        """run() on each part (each cached under its own key), merged; None where a part is left out."""
        outs = [self.run(system, part, cached_only) for part in parts if part]
        if any(o is None for o in outs):
            return None
        return merge_predictions(system, [o for o in outs if o is not None])

    def run(self, system: str, tasks: dict[str, list[TaskRecord]], cached_only: bool = False) -> Optional[Predictions]:
        """The system's predictions (from the cache when there); with cached_only, None where they are not cached."""
        start = time.time()
        if self.cache_dir is None:
            out = with_stop_rules(self.decode(system, tasks), tasks)
            print(f"  {system}: {len(out.texts)} tasks in {time.time() - start:.0f}s", flush=True)
            return out
        settings = {"prompt": self.session.config.prompt.__dict__, "max_new_tokens": self.ecfg.max_new_tokens,
                    "rag": self.ecfg.rag.__dict__ if system == "rag" else None,
                    "memory": key_settings(self.ecfg.memory.__dict__)
                    if system in MEMORY_SYSTEMS | MEMORY_ADAPTER_SYSTEMS else None,
                    "encoder": key_settings(self.encoders.get(system, self.session.config.encoder).__dict__)
                    if system in self.adapters else None}
        key = cache_key(system, self.session.lm_id, self.adapter_sha256.get(system), settings,
                        [str(t["id"]) for ts in tasks.values() for t in ts])
        if cached_only and not (self.cache_dir / f"{key}.json").exists():
            print(f"  {system}: not decoded on these tasks (cached-only), left out", flush=True)
            return None
        out, reused = cached(self.cache_dir, key, lambda: self.decode(system, tasks))
        out = with_stop_rules(out, tasks)
        print(f"  {system}: {len(out.texts)} tasks " +
              ("reused" if reused else f"in {time.time() - start:.0f}s"), flush=True)
        return out

    def decode(self, system: str, tasks: dict[str, list[TaskRecord]]) -> Predictions:
        if system == "pretrained":
            out = predict(system, self.session, tasks, None, self.prefix_prompt, self.ecfg.max_new_tokens,
                          self.stops)
        elif system == "rag":
            out = predict(system, self.session, tasks, None, self.rag_prompt, self.ecfg.max_new_tokens,
                          self.stops)
        elif system in MEMORY_SYSTEMS:
            earlier_only = MEMORY_SYSTEMS[system]
            out = predict(system, self.session, tasks, None, lambda t: self.memory_prompt(t, earlier_only),
                          self.ecfg.max_new_tokens, self.stops)
        elif system in MEMORY_ADAPTER_SYSTEMS:
            earlier = MEMORY_ADAPTER_SYSTEMS[system][1]
            out = predict(system, self.session, tasks, self.adapter_for(system),
                          lambda t: self.memory_prompt(t, earlier), self.ecfg.max_new_tokens, self.stops)
        else:
            out = predict(system, self.session, tasks, self.adapter_for(system), self.prefix_prompt,
                          self.ecfg.max_new_tokens, self.stops)
        return out

    def per_repo_lora(self, draws: list[dict[str, list[TaskRecord]]], tcfg: TrainConfig,
                      cached_only: bool = False) -> Optional[Predictions]:
        """One LoRA per repository, trained on that repository's train tasks from the single shared LoRA (or from
        scratch, by config) and early-stopped on its own IR val tasks; the seconds it takes are its cost. Each draw
        of repositories is cached on its own key, so a grown sample trains only the repositories it adds."""
        cfg = self.ecfg.per_repo_lora
        start_from = self.adapters.get("single") if cfg.init == "single" else None
        if cfg.init == "single" and start_from is None:
            raise ValueError("the per-repository LoRA starts from the single shared LoRA: score it too (--methods single)")
        if self.cache_dir is None:
            return with_stop_rules(merge_predictions("per_repo", [self.train_per_repo(d, tcfg, start_from) for d in draws]),
                                   {r: ts for d in draws for r, ts in d.items()})
        cache_dir = self.cache_dir
        # What a draw's LoRAs depend on; how many repositories the other draws take does not change them.
        settings = {"prompt": self.session.config.prompt.__dict__, "max_new_tokens": self.ecfg.max_new_tokens,
                    "per_repo_lora": {k: v for k, v in cfg.__dict__.items() if k != "extra_repos"},
                    "train": {"seed": tcfg.seed, "weight_decay": tcfg.weight_decay,
                              "grad_clip": tcfg.grad_clip, "min_lr_ratio": tcfg.min_lr_ratio}}
        outs: list[Predictions] = []
        for draw in draws:
            key = cache_key("per_repo", self.session.lm_id, self.adapter_sha256.get("single") if start_from else None,
                            settings, [str(t["id"]) for ts in draw.values() for t in ts])
            if cached_only and not (cache_dir / f"{key}.json").exists():
                print(f"  per_repo: not trained on {len(draw)} of these repositories (cached-only), left out",
                      flush=True)
                return None
            out, reused = cached(cache_dir, key, lambda d=draw: self.train_per_repo(d, tcfg, start_from))
            print(f"  per_repo: {len(out.texts)} tasks of {len(draw)} repositories" + (" reused" if reused else ""),
                  flush=True)
            outs.append(out)
        merged = merge_predictions("per_repo", outs)
        return with_stop_rules(merged, {r: ts for d in draws for r, ts in d.items()})

    def train_per_repo(self, tasks: dict[str, list[TaskRecord]], tcfg: TrainConfig,
                       start_from: Optional[torch.nn.Module]) -> Predictions:
        cfg = self.ecfg.per_repo_lora
        out = Predictions("per_repo")
        run_cfg = TrainConfig(steps=cfg.steps, tasks_per_step=cfg.tasks_per_step, warmup_steps=max(1, cfg.steps // 10),
                              min_lr_ratio=tcfg.min_lr_ratio, weight_decay=tcfg.weight_decay,
                              grad_clip=tcfg.grad_clip, eval_every=cfg.eval_every, seed=tcfg.seed)
        prompt = self.session.config.prompt
        for repo in sorted(tasks):
            torch.manual_seed(tcfg.seed)
            if start_from is not None:
                adapter = copy.deepcopy(start_from)
                for p in adapter.parameters():
                    p.requires_grad_(True)
            else:
                adapter = SharedLora(self.session.lm.config, self.session.config.hypernet.rank)
            train = {repo: examples(self.data.tasks["train"][repo], self.session.tokens, prompt)}
            val = {repo: examples(self.data.tasks["ir_val"][repo], self.session.tokens, prompt)}
            emb = {repo: torch.from_numpy(self.data.embeddings[repo])}
            result = train_adapter(adapter, self.session.lm, train, emb, run_cfg, cfg.lr, self.session.tokens.pad,
                                   prompt.max_target_tokens, Distributed(0, 1), val=val)
            adapter.load_state_dict(result.best_state)
            adapter.eval()
            one = predict("per_repo", self.session, {repo: tasks[repo]},
                          lambda r: adapter(torch.zeros(1)), self.prefix_prompt, self.ecfg.max_new_tokens, self.stops)
            out.texts.update(one.texts)
            out.prompt_tokens.update(one.prompt_tokens)
            out.generate_seconds += one.generate_seconds
            out.adapt_seconds[repo] = result.seconds
            losses = {int(h["step"]): round(h["val_loss"], 4) for h in result.history if "val_loss" in h}
            print(f"  per-repo LoRA {repo}: best step {result.best_step} of {result.steps} in {result.seconds:.0f}s, "
                  f"own IR val loss by step {losses}", flush=True)
        return out


def subset(p: Predictions, ids: set[str]) -> Predictions:
    return Predictions(p.system, {k: v for k, v in p.texts.items() if k in ids},
                       {k: v for k, v in p.prompt_tokens.items() if k in ids})


def merge_predictions(system: str, parts: list[Predictions]) -> Predictions:
    out = Predictions(system)
    for p in parts:
        out.texts.update(p.texts)
        out.prompt_tokens.update(p.prompt_tokens)
        out.generate_seconds += p.generate_seconds
        out.adapt_seconds.update(p.adapt_seconds)
    return out


def sample_per_repo(data: StaticData, cfg: PerRepoLoraConfig, seed: int) -> list[dict[str, list[TaskRecord]]]:
    """Seeded draws (cfg.repos, then cfg.extra_repos more) from the scored IR test repositories that have enough
    train tasks to learn from and enough IR val tasks to stop on, each repository with its scored IR test tasks (so
    every other system's decodes of them are reused)."""
    eligible = [r for r in sorted(data.tasks.get("ir_test", {}))
                if len(data.tasks["train"].get(r, [])) >= cfg.min_train_tasks
                and len(data.tasks["ir_val"].get(r, [])) >= cfg.min_val_tasks]
    return [{r: data.tasks["ir_test"][r] for r in draw}
            for draw in seeded_draws(eligible, (cfg.repos, cfg.extra_repos), seed)]


def evaluate(session: Session, bench_dir: Path, ecfg: EvalConfig, tcfg: TrainConfig,
             runs: dict[str, Path], predictions_dir: Path = PREDICTIONS_DIR,
             baselines: tuple[str, ...] = ("pretrained", "rag"),
             splits: tuple[str, ...] = ("cr_test", "ir_test"), cached_only: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Systems in `cached_only` are scored on a split only where their predictions are already cached."""
    data = load_tasks(bench_dir, {"cr_test": ecfg.cr_test_tasks_per_repo, "ir_test": ecfg.ir_test_tasks_per_repo,
                                  "train": tcfg.train_tasks_per_repo, "ir_val": ecfg.per_repo_lora.val_tasks},
                      ecfg.seed)
    draws = ir_test_draws(sorted(data.tasks["ir_test"]), ecfg)
    keep = {r for draw in draws for r in draw}
    data.tasks["ir_test"] = {r: ts for r, ts in data.tasks["ir_test"].items() if r in keep}
    # Each IR draw is decoded and cached on its own, so adding a draw reuses the decodes of the first.
    parts_of = {"cr_test": [sorted(data.tasks["cr_test"])], "ir_test": draws}
    per_repo_draws = sample_per_repo(data, ecfg.per_repo_lora, ecfg.seed) if "ir_test" in splits else []
    per_repo_tasks = {r: ts for draw in per_repo_draws for r, ts in draw.items()}
    names = sorted(set(data.repos_with("cr_test")) | set(data.repos_with("ir_test")) | set(per_repo_tasks))
    adapters = {name: load_adapter(path, session) for name, path in runs.items()}
    # Only a hypernetwork reads the repository embedding, from the encoder it was trained with; scoring the base and
    # a single shared LoRA skips the encoder (with a 135M base it would be most of the cost).
    encoders = {name: config for name, path in runs.items() if (config := trained_encoder(path)) is not None}
    data.embeddings = {name: np.zeros(session.embed_dim, dtype=np.float32) for name in names}
    embeddings, embed_seconds = embed_per_encoder(session, data, names, encoders, adapters)
    evaluator = Evaluator(session, data, ecfg, adapters, predictions_dir / "cache",
                          {name: sha256_of(path) for name, path in runs.items()}, bench_dir, embeddings, encoders)
    systems = [*baselines, *adapters]
    results: dict[str, Any] = {"splits": {}, "costs": {}, "config": {"eval": ecfg.__dict__ | {
        "rag": ecfg.rag.__dict__, "per_repo_lora": ecfg.per_repo_lora.__dict__, "memory": ecfg.memory.__dict__}, "static": session.config.to_dict()}}
    all_predictions: dict[str, dict[str, Predictions]] = {}
    for split in splits:
        tasks = data.tasks[split]
        print(f"{split}: {sum(map(len, tasks.values()))} tasks in {len(tasks)} repositories", flush=True)
        parts = [{r: tasks[r] for r in part if r in tasks} for part in parts_of[split]]
        preds = {s: p for s in systems if (p := evaluator.run_parts(s, parts, s in cached_only)) is not None}
        floor, causal_floor = {}, {}
        for repo in sorted(tasks):
            # The floor copies the retriever's top match, under the memory prompt's similarity.
            previous_line = ecfg.memory.previous_line
            floor.update(memory_predictions(tasks[repo], bench.static_tasks(repo, bench_dir),
                                            previous_line=previous_line))
            causal_floor.update(memory_predictions(tasks[repo], bench.static_tasks(repo, bench_dir), earlier_only=True,
                                                   previous_line=previous_line))
        texts = {s: p.texts for s, p in preds.items()} | {"memory": floor, "memory_earlier_only": causal_floor}
        save_predictions(predictions_dir, split, texts, flat(tasks))
        # Paired tests against the strongest method scored: Static, else the single LoRA, else the base.
        reference = next((s for s in ("static", "single", "pretrained", *systems) if s in texts), "memory")
        results["splits"][split] = summarize_split(texts, flat(tasks), reference, ecfg.bootstrap_samples, ecfg.seed)
        all_predictions[split] = preds
    if per_repo_tasks and (per_repo := evaluator.per_repo_lora(per_repo_draws, tcfg, "per_repo" in cached_only)):
        print(f"per-repository LoRA on {len(per_repo_tasks)} IR repositories", flush=True)
        ids = {str(t["id"]) for t in flat(per_repo_tasks)}
        preds = {s: subset(p, ids) for s, p in all_predictions["ir_test"].items()} | {"per_repo": per_repo}
        texts = {s: p.texts for s, p in preds.items()}
        reference = "single" if "single" in texts else "pretrained"
        results["splits"]["ir_test_per_repo_sample"] = summarize_split(
            texts, flat(per_repo_tasks), reference, ecfg.bootstrap_samples, ecfg.seed)
        all_predictions["ir_test_per_repo_sample"] = preds
    session.tokens.flush()
    results["comparisons"] = comparison_family(results["splits"])
    results["costs"] = costs(all_predictions, embed_seconds, adapters, session)
    return results


def embed_per_encoder(session: Session, data: StaticData, names: list[str], encoders: dict[str, EncoderConfig],
                      adapters: dict[str, torch.nn.Module]) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, float]]:
    """Each hypernetwork's repository embeddings from its own encoder and token histogram (hypernetworks that share
    both share them), and the seconds per repository of the first hypernetwork's (the cost reported)."""
    by_input: dict[tuple[EncoderConfig, int], dict[str, np.ndarray]] = {}
    seconds: dict[tuple[EncoderConfig, int], dict[str, float]] = {}
    out: dict[str, dict[str, np.ndarray]] = {}
    for adapter_name, config in encoders.items():
        key = (config, histogram_tokens(adapters[adapter_name]))
        if key not in by_input:
            encoder = encoder_for(session, config)
            own = StaticData(repos=data.repos, tasks={}, embeddings={})
            seconds[key] = {}
            for name in names:
                t0 = time.perf_counter()
                embed_repositories(own, encoder, [name], log=False, histogram_tokens=key[1])
                seconds[key][name] = time.perf_counter() - t0
            by_input[key] = own.embeddings
        out[adapter_name] = by_input[key]
    return out, next(iter(seconds.values()), {})


def save_predictions(folder: Path, split: str, texts: dict[str, dict[str, str]], tasks: list[TaskRecord]) -> None:
    """Every system's completion of every scored task, for reading (models/.cache/static/predictions)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{split}.jsonl").open("w") as f:
        for t in tasks:
            row = {"id": t["id"], "kind": t["kind"], "target": t["target"]}
            row |= {name: texts[name].get(str(t["id"])) for name in texts}
            f.write(json.dumps(row) + "\n")


def costs(predictions: dict[str, dict[str, Predictions]], embed_seconds: dict[str, float],
          adapters: dict[str, torch.nn.Module], session: Session) -> dict[str, Any]:
    prompt_means: dict[str, float] = {}
    adapt: dict[str, float] = {}
    for split_preds in predictions.values():
        for name, p in split_preds.items():
            prompt_means.setdefault(name, float(np.mean(list(p.prompt_tokens.values()))) if p.prompt_tokens else 0.0)
            if p.adapt_seconds:
                adapt.setdefault(name, float(np.median(list(p.adapt_seconds.values()))))
    lora_params = sum(int(np.prod(a)) + int(np.prod(b)) for a, b in session.lm.config.lora_shapes(
        session.config.hypernet.rank).values())
    base = prompt_means.get("pretrained", 0.0)
    return {
        "mean_prompt_tokens": prompt_means,
        "extra_prompt_tokens": {k: v - base for k, v in prompt_means.items()},
        "median_adapter_seconds_per_repo": adapt,
        "median_encode_seconds_per_repo": float(np.median(list(embed_seconds.values()))) if embed_seconds else 0.0,
        "adapter_bytes_fp32": lora_params * 4,
        "model_bytes_fp32": {k: sum(p.numel() for p in m.parameters()) * 4 for k, m in adapters.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lm", type=Path, required=True)
    parser.add_argument("--bench", type=Path, default=BENCH_DIR)
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR,
                        help="folder with the published single.pt and static.pt (models.export.publish_weights)")
    parser.add_argument("--config", type=Path, default=CONFIGS_DIR / "static.json")
    parser.add_argument("--train-config", type=Path, default=CONFIGS_DIR / "static_train.json")
    parser.add_argument("--eval-config", type=Path, default=CONFIGS_DIR / "static_eval.json")
    parser.add_argument("--results-md", type=Path, default=RESULTS_MD)
    parser.add_argument("--results-json", type=Path, default=RESULTS_JSON)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--methods", default="single,static", help="trained adapters to score (<weights>/<m>.pt)")
    parser.add_argument("--baselines", default="pretrained,rag", help="untrained systems to score")
    parser.add_argument("--splits", default="cr_test,ir_test")
    parser.add_argument("--predictions", type=Path, default=PREDICTIONS_DIR)
    parser.add_argument("--notes", type=Path, default=NOTES, help="the hand-written account appended to the report")
    parser.add_argument("--cached-only", default="",
                        help="systems scored on a split only where their predictions are cached (not decoded here)")
    args = parser.parse_args()
    setup_cpu(args.threads)
    session = open_session(args.lm, StaticConfig.load(args.config))
    runs = {m: args.weights / f"{weights_name(m)}.pt" for m in args.methods.split(",") if m}
    start = time.time()
    results = evaluate(session, args.bench, EvalConfig.load(args.eval_config), TrainConfig.load(args.train_config),
                       runs, args.predictions, tuple(b for b in args.baselines.split(",") if b),
                       tuple(args.splits.split(",")), frozenset(s for s in args.cached_only.split(",") if s))
    results["lm_id"] = session.lm_id
    results["runs"] = {m: run_summary(p) for m, p in runs.items()}
    results["seconds"] = round(time.time() - start, 1)
    if args.results_json.exists():
        # The evolution rows come from models.eval.evo_eval on the same LM; keep them when the static rows change.
        previous = read_results(args.results_json)
        if previous.get("lm_id") == session.lm_id and "evolution" in previous:
            results["evolution"] = previous["evolution"]
    write_report(results, args.results_md, args.results_json, args.notes)


def run_summary(checkpoint: Path) -> dict[str, Any]:
    state = torch.load(checkpoint, map_location="cpu")
    keys = ("method", "best_step", "best_val_loss", "steps", "seconds", "train_tasks", "train_repos", "finished",
            "history", "train_config", "prompt", "init_base")
    # The weights' sha256 names the scored file even where it is not committed (a hypernetwork over the size budget).
    return {k: state.get(k) for k in keys} | {"weights_sha256": sha256_of(checkpoint)}


if __name__ == "__main__":
    main()
