"""The static track's scoring end to end on a tiny world: runs, every system, the report; and the statistics."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from models.data import bench
from models.static.config import EvalConfig, MemoryConfig, PerRepoLoraConfig, RagConfig, TrainConfig
from models.static.dataset import embed_repositories, load_tasks
from models.static.fixtures import make_world
from models.static.session import load_adapter, open_session
from models.static.test_static import TINY
from models.static.train import prepare, run, training_memory_pool

from .bootstrap import clustered_interval, clustered_paired_bootstrap, mean_interval, paired_bootstrap
from .memory_floor import memory_predictions
from .report import write_report
from .static_eval import embed_per_encoder, evaluate, run_summary


def test_bootstrap_interval_and_paired_test() -> None:
    values = [1.0] * 30 + [0.0] * 70
    interval = mean_interval(values, 1000, 0)
    assert interval.low < 0.3 < interval.high and interval.mean == 0.3
    better = paired_bootstrap([1.0] * 60 + [0.0] * 40, [1.0] * 20 + [0.0] * 80, 1000, 0)
    assert better.difference == 0.4 and better.p_value < 0.01 and better.low > 0
    same = paired_bootstrap(values, values, 1000, 0)
    assert same.difference == 0 and same.p_value == 1.0



def test_resampling_repositories_widens_intervals_when_tasks_cluster() -> None:
    """10 repositories, each all right or all wrong: 100 tasks carry the information of 10 draws, and only the
    repository bootstrap says so; a gain made in one repository alone is not significant across repositories."""
    values = [1.0 if r < 5 else 0.0 for r in range(10) for _ in range(10)]
    repos = [f"r{r}" for r in range(10) for _ in range(10)]
    by_task = mean_interval(values, 2000, 0)
    by_repo = clustered_interval(values, repos, 2000, 0)
    assert by_repo.mean == by_task.mean == 0.5
    assert (by_repo.high - by_repo.low) > 2 * (by_task.high - by_task.low)
    a = [1.0 if (r == 0) else 0.0 for r in range(10) for _ in range(10)]
    b = [0.0] * 100
    assert paired_bootstrap(a, b, 2000, 0).p_value < 0.01
    assert clustered_paired_bootstrap(a, b, repos, 2000, 0).p_value > 0.2


def test_memory_floor_copies_the_closest_other_assertion() -> None:
    def task(i: int, name: str, line: str, target: str) -> dict[str, object]:
        return {"id": f"t{i}", "path": "tests/test_a.py", "line": i, "target": target,
                "prefix": f"def {name}(self):\n    {line}"}
    tasks = [task(1, "test_parse_version", "assert parse(v) == ", "Version(1)"),
             task(2, "test_parse_version_again", "assert parse(w) == ", "Version(2)"),
             task(3, "test_render", "assert render(x) == ", "'x'")]
    out = memory_predictions(tasks, tasks)
    assert out == {"t1": "Version(2)", "t2": "Version(1)", "t3": "Version(1)"}
    assert memory_predictions(tasks[:1], tasks[:1]) == {"t1": ""}   # leave-one-out: nothing else to copy
    # Earlier-only: t1 has nothing above it in its file and no other file; a later line of another file counts.
    other_file = {**task(9, "test_parse_version_too", "assert parse(u) == ", "Version(9)"), "path": "tests/test_b.py"}
    causal = memory_predictions(tasks, tasks + [other_file], earlier_only=True)
    assert causal == {"t1": "Version(9)", "t2": "Version(1)", "t3": "Version(1)"}
    assert memory_predictions(tasks[:1], tasks, earlier_only=True) == {"t1": ""}


def test_evaluation_and_report_on_a_tiny_world(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    config_path = tmp_path / "static.json"
    config_path.write_text(json.dumps(TINY.to_dict()))
    session = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    tcfg = TrainConfig(steps=6, tasks_per_step=4, warmup_steps=2, eval_every=3, train_tasks_per_repo=50,
                       val_tasks_per_repo=4, seed=0)
    data = prepare(session, world.bench_dir, tcfg)
    runs = {m: run(m, session, data, tcfg, tmp_path / "runs" / m, None) for m in ("single", "static")}
    # The single LoRA trained on for a few steps on the memory prompt: scored in both memory settings.
    runs["single_memory"] = run("single", session, data, tcfg, tmp_path / "runs" / "single_memory", None,
                                init_base=runs["single"], memory=MemoryConfig(k=2, max_block_tokens=24),
                                bench_dir=world.bench_dir)
    train_repo = data.repos_with("train")[0]
    splits = {t["split"] for t in training_memory_pool(train_repo, world.bench_dir)}
    assert splits == {"train"} and any(t["split"] == "ir_test" for t in bench.static_tasks(train_repo, world.bench_dir))
    runs["single_memory_earlier_only"] = runs["single_memory"]
    # Code2LoRA-Static on top of it, on the same prompt: its frozen shared base is the memory LoRA.
    on_base = replace(session, config=replace(TINY, hypernet=replace(TINY.hypernet, shared_base=True, freeze_base=True)))
    runs["static_memory"] = run("static", on_base, data, tcfg, tmp_path / "runs" / "static_memory", None,
                                init_base=runs["single_memory"], memory=MemoryConfig(k=2, max_block_tokens=24),
                                bench_dir=world.bench_dir)
    runs["static_memory_earlier_only"] = runs["static_memory"]
    saved = torch.load(runs["single_memory"], map_location="cpu")
    assert saved["prompt"] == "memory" and saved["init_base"] == str(runs["single"])
    ecfg = EvalConfig(cr_test_tasks_per_repo=5, ir_test_tasks_per_repo=2, max_new_tokens=4, bootstrap_samples=200,
                      seed=0, rag=RagConfig(k=2, window_lines=4, chunk_tokens=16, max_share_of_budget=0.5),
                      per_repo_lora=PerRepoLoraConfig(repos=1, steps=2, tasks_per_step=4, lr=1e-3,
                                                    min_train_tasks=5, min_val_tasks=1, eval_every=1))
    baselines = ("pretrained", "rag", "tests_memory", "tests_memory_earlier_only")
    results = evaluate(session, world.bench_dir, ecfg, tcfg, runs, tmp_path / "predictions", baselines)
    assert (tmp_path / "predictions" / "cr_test.jsonl").exists()
    results |= {"lm_id": session.lm_id, "runs": {m: run_summary(p) for m, p in runs.items()}, "seconds": 1.0}
    cr = results["splits"]["cr_test"]
    assert cr["tasks"] == 5 and cr["repositories"] == 1
    trained = ("single_memory", "single_memory_earlier_only", "static_memory", "static_memory_earlier_only")
    assert set(cr["systems"]) == {*baselines, *trained, "single", "static", "memory", "memory_earlier_only"}
    assert set(cr["paired_vs_static"]) == {*baselines, *trained, "single", "memory", "memory_earlier_only"}
    assert cr["memory_vs_floor"]["tests_memory"]["against"] == "memory"
    assert cr["memory_vs_floor"]["tests_memory_earlier_only"]["against"] == "memory_earlier_only"
    assert cr["memory_vs_floor"]["single_memory_earlier_only"]["against"] == "memory_earlier_only"
    assert cr["memory_vs_floor"]["static_memory"]["against"] == "memory"
    assert {k: v["against"] for k, v in cr["memory_adapter_vs_prompt"].items()} == {
        "single_memory": "tests_memory", "single_memory_earlier_only": "tests_memory_earlier_only",
        "static_memory": "single_memory", "static_memory_earlier_only": "single_memory_earlier_only"}
    # The trained adapter on the memory prompt reads the same prompt as the base's memory system.
    assert results["costs"]["mean_prompt_tokens"]["single_memory"] == results["costs"]["mean_prompt_tokens"]["tests_memory"]
    # The memory prompt is longer than the plain one by the recalled assertions.
    assert results["costs"]["extra_prompt_tokens"]["tests_memory"] > 0
    primary = results["comparisons"]["primary"]
    assert (primary["system"], primary["against"], primary["measure"]) == ("static", "single", "strict_exact_match")
    assert results["splits"]["ir_test"]["tasks"] == 4
    sample = results["splits"]["ir_test_per_repo_sample"]
    assert "per_repo" in sample["systems"] and sample["repositories"] == 1
    assert results["costs"]["extra_prompt_tokens"]["rag"] > 0
    # A cached-only system is scored where its predictions are cached and left out elsewhere (not decoded).
    again = evaluate(session, world.bench_dir, ecfg, tcfg, runs, tmp_path / "predictions", baselines,
                     cached_only=frozenset({"static"}))
    assert again["splits"]["cr_test"]["systems"]["static"] == cr["systems"]["static"]
    # A second draw of per-repository LoRAs trains only the repository it adds: the first draw's cache is kept.
    cache = tmp_path / "predictions" / "cache"
    before = set(cache.iterdir())
    grown_cfg = replace(ecfg, per_repo_lora=replace(ecfg.per_repo_lora, extra_repos=1))
    grown = evaluate(session, world.bench_dir, grown_cfg, tcfg, runs, tmp_path / "predictions", baselines)
    assert len(set(cache.iterdir()) - before) == 1
    assert grown["splits"]["ir_test_per_repo_sample"]["repositories"] == 2
    fresh = evaluate(session, world.bench_dir, ecfg, tcfg, {"single": runs["single"], "static": runs["static"]},
                     tmp_path / "fresh", ("pretrained",), ("cr_test",), cached_only=frozenset({"static"}))
    assert set(fresh["splits"]["cr_test"]["systems"]) == {"pretrained", "single", "memory", "memory_earlier_only"}
    md, js = tmp_path / "RESULTS.md", tmp_path / "results.json"
    write_report(results, md, js)
    text = md.read_text()
    assert "| **Code2LoRA-Static** |" in text and "63.8" in text and "Per-repository LoRA" in text
    assert "tests in the prompt against the floor" in text and "Holm-adjusted" in text
    assert json.loads(js.read_text())["splits"]["cr_test"]["tasks"] == 5
    assert load_tasks(world.bench_dir, {"cr_test": 100}, 0).task_count("cr_test") == 12


def test_a_hypernetwork_is_scored_with_the_encoder_it_was_trained_with(tmp_path: Path) -> None:
    """Static runs that differ in their frozen encoder are scored side by side in one run: each reads the
    embeddings of the encoder in its checkpoint, whatever the session's own, and its cached completions are keyed by
    that encoder (so a run under either session reuses them)."""
    world = make_world(tmp_path)
    trained_with = replace(TINY, encoder=replace(TINY.encoder, tau=5.0))
    own = open_session(world.lm_checkpoint, trained_with, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    other = open_session(world.lm_checkpoint, TINY, world.tokenizer, tmp_path / "tokens", tmp_path / "vectors")
    tcfg = TrainConfig(steps=2, tasks_per_step=4, warmup_steps=1, eval_every=2, train_tasks_per_repo=50,
                       val_tasks_per_repo=4, seed=0)
    runs = {"static_other_encoder": run("static", own, prepare(own, world.bench_dir, tcfg), tcfg, tmp_path / "runs" / "t",
                                   None)}
    ecfg = EvalConfig(cr_test_tasks_per_repo=5, ir_test_tasks_per_repo=2, max_new_tokens=4, bootstrap_samples=50,
                      seed=0)
    data = load_tasks(world.bench_dir, {"cr_test": 5}, 0)
    names = data.repos_with("cr_test")
    adapters = {name: load_adapter(path, other) for name, path in runs.items()}
    embeddings, _ = embed_per_encoder(other, data, names, {"static_other_encoder": trained_with.encoder}, adapters)
    reference = load_tasks(world.bench_dir, {"cr_test": 5}, 0)
    embed_repositories(reference, own.encoder, names, log=False)
    differing = load_tasks(world.bench_dir, {"cr_test": 5}, 0)
    embed_repositories(differing, other.encoder, names, log=False)
    for name in names:
        assert np.array_equal(embeddings["static_other_encoder"][name], reference.embeddings[name])
        assert not np.allclose(reference.embeddings[name], differing.embeddings[name])
    first = evaluate(own, world.bench_dir, ecfg, tcfg, runs, tmp_path / "p", (), ("cr_test",))
    again = evaluate(other, world.bench_dir, ecfg, tcfg, runs, tmp_path / "p", (), ("cr_test",),
                     cached_only=frozenset(runs))
    assert again["splits"]["cr_test"]["systems"]["static_other_encoder"] == first["splits"]["cr_test"]["systems"]["static_other_encoder"]
    evaluate(other, world.bench_dir, ecfg, tcfg, runs, tmp_path / "q", (), ("cr_test",))
    assert (tmp_path / "q" / "cr_test.jsonl").read_text() == (tmp_path / "p" / "cr_test.jsonl").read_text()


def test_a_side_tables_results_can_be_written_gzipped_and_read_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gzip
    from pathlib import Path

    from models.eval.report import read_results, write_report
    results = read_results(Path("models/base/ir_test_by_file.json.gz"))  # the committed side table
    assert results["splits"]["ir_test"]["tasks"] == 805
    for name in ("side.json.gz", "main.json"):
        write_report(results, tmp_path / "R.md", tmp_path / name, tmp_path / "none.md")
        assert read_results(tmp_path / name) == results
    assert gzip.decompress((tmp_path / "side.json.gz").read_bytes()).startswith(b"{")
    assert "IR TEST 805 (60 repositories)" in (tmp_path / "R.md").read_text()
