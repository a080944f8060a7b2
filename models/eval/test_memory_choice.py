"""Choosing how the memory LoRA is used, on CR val: variants decoded through the scorer, cached, paired."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.data import bench
from models.static.config import EvalConfig, MemoryConfig, TrainConfig
from models.static.dataset import load_tasks
from models.static.fixtures import make_world
from models.static.session import open_session
from models.static.test_static import TINY
from models.static.train import prepare, run

from .memory_choice import Variant, decode, recall_at_k, recall_summary, sample, summarize
from .static_eval import flat


def test_a_variant_is_a_name_a_file_and_k() -> None:
    assert Variant.parse("pub-k5=models/w/single_memory.pt:5") == Variant("pub-k5", Path("models/w/single_memory.pt"), 5)
    assert Variant.parse("v2=w.pt:3:previous-line:distinct-targets") == Variant("v2", Path("w.pt"), 3, True, True)
    assert Variant.parse("v2=w.pt:3:distinct-targets").retriever() == "distinct-targets"
    for bad in ("pub-k5", "=w.pt:5", "pub=w.pt", "pub=w.pt:five", "pub=w.pt:previous-line"):
        with pytest.raises(ValueError, match="NAME=WEIGHTS:K"):
            Variant.parse(bad)


def test_variants_decode_on_cr_val_and_pair_against_the_first(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    (tmp_path / "static.json").write_text(json.dumps(TINY.to_dict()))
    session = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    tcfg = TrainConfig(steps=2, tasks_per_step=4, warmup_steps=1, eval_every=2, train_tasks_per_repo=50,
                       val_tasks_per_repo=4, seed=0)
    data = prepare(session, world.bench_dir, tcfg)
    single = run("single", session, data, tcfg, tmp_path / "runs" / "single", None)
    weights = run("single", session, data, tcfg, tmp_path / "runs" / "single_memory", None, init_base=single,
                  memory=MemoryConfig(k=2, max_block_tokens=24), bench_dir=world.bench_dir)
    ecfg = EvalConfig(max_new_tokens=4, bootstrap_samples=200, seed=0, memory=MemoryConfig(k=2, max_block_tokens=24))
    tasks = sample("cr_val", 5, 0, world.bench_dir)
    assert sum(map(len, tasks.values())) == 5 and set(tasks) == {"gamma"}
    cache = tmp_path / "cache"
    variants = [Variant("k2", weights, 2), Variant("k1", weights, 1), Variant("k2-again", weights, 2)]
    texts = {v.name: decode(session, v, ecfg, tasks, ["loo", "eo"], cache, False, world.bench_dir) for v in variants}
    # Both k=2 variants are the same decode (one cache entry); k=1 is another prompt, so another entry.
    assert len(list(cache.glob("*.json"))) == 4
    assert texts["k2"] == texts["k2-again"]
    assert decode(session, variants[1], ecfg, tasks, ["loo"], cache, True, world.bench_dir) == {"loo": texts["k1"]["loo"]}
    result = summarize(texts, flat(tasks), 200, 0)
    assert set(result["variants"]) == {"k2", "k1", "k2-again"} and result["tasks"] == 5
    assert "minus_first" not in result["variants"]["k2"]["loo"]
    same = result["variants"]["k2-again"]["eo"]["minus_first"]
    assert same["difference"] == 0 and same["p_value"] == 1.0
    assert set(result["variants"]["k1"]) == {"loo", "eo"}
    # The retriever's offer, as the prompt's block holds it: k targets, best first, never the task's own.
    recalled = recall_at_k(tasks, False, ["loo", "eo"], bench_dir=world.bench_dir)
    for t in flat(tasks):
        loo, eo = recalled["loo"][str(t["id"])], recalled["eo"][str(t["id"])]
        assert len(loo) == len(bench.static_tasks("gamma", world.bench_dir)) - 1 and len(eo) <= len(loo)
    summary = recall_summary(recalled, flat(tasks), {"k2": (2, texts["k2"])}, ks=(1, 2))
    assert summary["loo"]["recall@1"] <= summary["loo"]["recall@2"]
    split = summary["loo"]["lora"]["k2"]
    assert split["target_in_block"] + split["target_not_in_block"] == split["exact_matches"]


def test_the_cr_test_sample_is_the_scorers_whatever_else_is_drawn(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    scorer = load_tasks(world.bench_dir, {"cr_test": 5, "ir_test": 3, "train": 7, "ir_val": 2}, 0).tasks["cr_test"]
    ours = sample("cr_test", 5, 0, world.bench_dir)
    assert set(ours) == {"delta"} and sum(map(len, ours.values())) == 5
    assert {r: [t["id"] for t in ts] for r, ts in ours.items()} == {r: [t["id"] for t in ts] for r, ts in scorer.items()}


def _task(i: int, target: str) -> dict[str, object]:
    return {"id": f"t{i}", "repo": "r", "target": target}


def test_recall_counts_a_target_among_the_first_k_and_splits_the_loras_hits() -> None:
    tasks = [_task(0, "1"), _task(1, "x"), _task(2, "None"), _task(3, "'a'")]
    recalled = {"loo": {"t0": ["1", "2"], "t1": ["y", "x"], "t2": ["0"], "t3": []}}
    lora = {"k1": (1, {"loo": {"t0": "1", "t1": "x", "t2": "None", "t3": "'b'"}})}
    row = recall_summary(recalled, tasks, lora, ks=(1, 2))["loo"]  # type: ignore[arg-type]
    assert row["recall@1"] == 0.25 and row["recall@2"] == 0.5 and row["anywhere"] == 0.5
    # Three right: t0's target was its block's (k 1), t1's was second (outside a block of one), t2's nowhere.
    assert row["lora"]["k1"] == {"k": 1, "exact_matches": 3, "target_in_block": 1, "target_not_in_block": 2}
