from dataclasses import replace

from models.eval.ir_sample import ir_test_draws
from models.static.config import EvalConfig

REPOS = [f"repo{i:03d}" for i in range(120)]


def test_a_second_draw_keeps_the_first_and_adds_other_repositories() -> None:
    first_only = ir_test_draws(REPOS, replace(EvalConfig(), ir_test_repos=40, ir_test_extra_repos=0, seed=3))
    grown = ir_test_draws(REPOS, replace(EvalConfig(), ir_test_repos=40, ir_test_extra_repos=20, seed=3))
    assert len(first_only) == 1 and len(first_only[0]) == 40
    assert grown[0] == first_only[0]
    assert len(grown[1]) == 20 and not set(grown[1]) & set(grown[0])
    # A different seed draws different repositories, and a draw never asks for more than there are.
    assert ir_test_draws(REPOS, replace(EvalConfig(), ir_test_repos=40, seed=4))[0] != first_only[0]
    small = ir_test_draws(REPOS[:50], replace(EvalConfig(), ir_test_repos=40, ir_test_extra_repos=20, seed=3))
    assert [len(d) for d in small] == [40, 10]
    assert ir_test_draws([], EvalConfig()) == []


def test_exposed_tasks_have_their_statement_in_a_pool_prompt_of_the_same_file() -> None:
    from models.eval.ir_exposure import exposed

    head = "def test_a():\n    x = make()\n"
    ir = [{"id": "1", "repo": "r", "path": "t.py", "prefix": head + "    assert x == ", "target": "1"},
          {"id": "2", "repo": "r", "path": "t.py", "prefix": head + "    assert x.y == ", "target": "2"},
          {"id": "3", "repo": "r", "path": "u.py", "prefix": head + "    assert x == ", "target": "1"}]
    pool = {"r": [{"id": "4", "repo": "r", "path": "t.py", "prefix": head + "    assert x == 1\n    assert z == ",
                   "target": "3"}]}
    assert [t["id"] for t in exposed(ir, pool)] == ["1"]  # type: ignore[arg-type]
    assert exposed(ir, {}) == []  # type: ignore[arg-type]


def test_ir_test_is_not_drawn_from_the_repositories_the_exclude_file_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    names = tmp_path / "unseen.json"
    names.write_text('{"repositories": ["repo000", "repo005", "repo117"]}')
    cfg = replace(EvalConfig(), ir_test_repos=100, ir_test_extra_repos=20, seed=3, ir_test_exclude=str(names))
    drawn = [r for d in ir_test_draws(REPOS, cfg) for r in d]
    assert len(drawn) == 117 and not {"repo000", "repo005", "repo117"} & set(drawn)


def test_the_published_runs_repositories_replay_the_trainers_stream() -> None:
    from models.eval.ir_unseen import Stream, v1_split_is_train, visited

    # The v1 rule as it split tasks of the benchmark these adapters trained on (ids and splits read off it).
    assert v1_split_is_train("2ping@4.5-1.1:tests/test_cli.py:92:62")
    assert not v1_split_is_train("2ping@4.5-1.1:tests/test_crc32.py:40:24")  # ir_test
    repos = [f"r{i}" for i in range(30)]
    few = visited(repos, Stream(0, 7, "x"))
    assert len(few) == 7 and few == visited(repos, Stream(0, 7, "x"))  # one shuffled pass: distinct repositories
    assert few < visited(repos, Stream(0, 12, "x")) and few != visited(repos, Stream(1, 7, "x"))
    assert visited(repos, Stream(5, 30, "x")) == set(repos)


def test_the_exclude_file_replays_the_published_weights_own_training_streams() -> None:
    import json
    from pathlib import Path

    import torch

    from models.eval.ir_unseen import OUT, PUBLISHED

    weights = Path("models/weights/smollm2-135m-instruct-q4_1")
    streams = {(s.seed, s.steps) for s in PUBLISHED}
    for name in ("single", "single_memory"):
        saved = torch.load(weights / f"{name}.pt", map_location="cpu", weights_only=False)
        cfg = saved["train_config"]
        # the last run behind each file (single_memory's first run, 36 steps on stream 0, is inside single's 49)
        assert (cfg.get("stream_seed", cfg["seed"]), saved["steps"]) in streams
        assert saved["train_repos"] == 417
    committed = json.loads(OUT.read_text())
    assert committed["streams"] == [s.__dict__ for s in PUBLISHED] and committed["training_repositories"] == 417
    assert len(committed["repositories"]) == len(set(committed["repositories"])) <= sum(s.steps for s in PUBLISHED)
