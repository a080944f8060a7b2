"""The memory retriever ranks as the floor chooses, and the prompt keeps the prefix budget whole."""

from __future__ import annotations

from models.eval.memory_floor import memory_predictions
from models.memory.prompt import HEADER, memory_block, memory_prompt
from models.memory.retriever import top_k


def task(i: int, name: str, line: str, target: str, path: str = "tests/test_a.py") -> dict[str, object]:
    return {"id": f"t{i}", "path": path, "line": i, "target": target, "prefix": f"def {name}(self):\n    {line}"}


TASKS = [task(1, "test_parse_version", "assert parse(v) == ", "Version(1)"),
         task(2, "test_parse_version_again", "assert parse(w) == ", "Version(2)"),
         task(3, "test_render", "assert render(x) == ", "'x'"),
         task(9, "test_parse_version_too", "assert parse(u) == ", "Version(9)", "tests/test_b.py")]


def test_the_top_match_is_what_the_floor_copies_in_both_settings() -> None:
    for earlier_only in (False, True):
        floor = memory_predictions(TASKS, TASKS, earlier_only)
        for t in TASKS:
            found = top_k(t, TASKS, 3, earlier_only)
            assert (found[0].target if found else "") == floor[str(t["id"])]


def test_ranking_and_what_each_setting_may_see() -> None:
    ranked = top_k(TASKS[0], TASKS, 3)
    assert [r.id for r in ranked] == ["t2", "t9", "t3"]            # same file first among equal scores
    assert ranked[0].assertion == "assert parse(w) == Version(2)"
    assert [r.id for r in top_k(TASKS[0], TASKS, 3, earlier_only=True)] == ["t9"]   # nothing above line 1 in a.py


def test_memory_prompt_puts_the_best_line_last_and_keeps_the_prefix_budget() -> None:
    block = memory_block(top_k(TASKS[0], TASKS, 2))
    assert block == HEADER + "# assert parse(u) == Version(9)\n# assert parse(w) == Version(2)\n"
    prompt = memory_prompt(list(range(100, 140)), [1, 2, 3, 4, 5], 32, max_block=3, eot=0)
    assert prompt == [0, 3, 4, 5] + list(range(108, 140))


def test_golden_rankings_are_current() -> None:
    import json

    from models.memory.golden import rankings, read_golden
    assert read_golden() == json.loads(json.dumps(rankings()))
    assert sum(1 for r in rankings()["rankings"] if len(r["ids"]) == 3) > 50


def test_precomputed_signatures_rank_as_computed_ones() -> None:
    from models.eval.memory_floor import signature
    signed = [signature(t) for t in TASKS]
    for earlier_only in (False, True):
        for t in TASKS:
            assert top_k(t, TASKS, 3, earlier_only, signed) == top_k(t, TASKS, 3, earlier_only)


def test_the_line_above_can_outrank_the_nearest_and_distinct_targets_offer_k_answers() -> None:
    def assertion(id_: str, above: str, cut: str, target: str, line: int) -> dict[str, object]:
        return {"id": id_, "repo": "r", "path": "tests/test_a.py", "line": line, "target": target,
                "prefix": f"def test_x():\n    {above}\n    {cut}"}

    query = assertion("q", "v = parse('1.0')", "assert v ==", "?", 50)
    pool = [query, assertion("a", "w = build(3)", "assert w ==", "Build(3)", 10),
            assertion("b", "v = parse('1.0')", "assert v ==", "Version(2)", 20),
            assertion("c", "v = make()", "assert v ==", "Version(2)", 30)]
    assert [r.id for r in top_k(query, pool, 2)] == ["c", "b"]       # equal cut lines: the nearest line first
    ranked = top_k(query, pool, 2, previous_line=True)               # type: ignore[arg-type]
    assert [r.id for r in ranked] == ["b", "c"] and ranked[0].score == 2.0
    assert [r.id for r in top_k(query, pool, 2, distinct_targets=True)] == ["c", "a"]  # type: ignore[arg-type]
    assert memory_predictions([query], pool, previous_line=True) == {"q": "Version(2)"}  # type: ignore[list-item]
