"""The leakage report's matching: normalised shingles, MinHash LSH candidates, exact Jaccard, in-repository leaks."""

from __future__ import annotations

import numpy as np

from models.data import shingles as sh
from models.data import split_overlap as so

BODY = "\n".join(
    f"def test_case_{i}(client):\n    response = client.get('/items/{i}')\n    assert response.status == {200 + i}\n"
    for i in range(40))


def test_normalised_tokens_ignore_comments_blank_lines_and_indentation() -> None:
    a = "def f(x):\n    return x + 1  # one more\n"
    b = "# header\n\ndef f(x):\n        return x + 1\n"
    assert sh.normalized_tokens(a) == sh.normalized_tokens(b) == ["def", "f", "(", "x", ")", ":", "return", "x", "+", "1"]
    # Text that does not tokenise still gives words and symbols.
    assert sh.normalized_tokens("x = (1,\n") [:3] == ["x", "=", "("]


def test_jaccard_and_containment_values() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint64)
    assert sh.jaccard(a, b) == 2 / 8
    assert sh.containment(a, b) == 0.5
    assert sh.containment(np.array([3, 4], dtype=np.uint64), b) == 1.0


def test_shingles_are_stable_and_order_sensitive() -> None:
    tokens = ["a", "b", "c", "d", "e", "f"]
    first = sh.shingle_hashes(tokens)
    assert len(first) == 2 and np.array_equal(first, sh.shingle_hashes(list(tokens)))
    assert not np.array_equal(first, sh.shingle_hashes(["b", "a", "c", "d", "e", "f"]))
    assert len(sh.shingle_hashes(["a", "b"])) == 1  # shorter than a shingle: one


def test_find_matches_exact_near_and_unrelated() -> None:
    edited = BODY.replace("/items/3'", "/things/3'").replace("status == 210", "status == 999")
    other = "\n".join(f"def helper_{i}(value):\n    return [value] * {i}\n" for i in range(40))
    train = [so.file_shingles("t1", "tests/test_api.py", BODY + "\n# the same code\n"),
             so.file_shingles("t2", "tests/test_items.py", edited),
             so.file_shingles("t3", "lib/helpers.py", other)]
    held = [so.file_shingles("h", "tests/test_copy.py", BODY + "\n# the same code\n"),
            so.file_shingles("h", "tests/test_near.py", edited.replace("/items/5'", "/x/5'")),
            so.file_shingles("h", "tests/test_other.py", "import os\n" + other.replace("[value]", "(value,)"))]
    found = {m.held.path: m for m in so.find_matches(held, train, near=0.8)}
    assert found["tests/test_copy.py"].kind == "exact" and found["tests/test_copy.py"].train.repo == "t1"
    near = found["tests/test_near.py"]
    # The closest training file wins (t2, edited the same way), with its exact Jaccard.
    assert near.kind == "near" and near.train.repo == "t2"
    assert near.jaccard == sh.jaccard(held[1].shingles, train[1].shingles) and 0.8 <= near.jaccard < 1
    assert "tests/test_other.py" not in found
    assert sh.jaccard(held[2].shingles, train[2].shingles) < 0.8


def test_in_repository_leaks_count_statements_in_train_prompts_of_either_track() -> None:
    head = "def test_a():\n    x = make()\n"
    static = [
        {"repo": "r", "path": "tests/test_a.py", "split": "ir_test", "prefix": head + "    assert x.size == ", "target": "3"},
        {"repo": "r", "path": "tests/test_a.py", "split": "train",
         "prefix": head + "    assert x.size == 3\n    assert x.name == ", "target": "'a'"},
        {"repo": "r", "path": "tests/test_a.py", "split": "ir_val", "prefix": head + "    assert x.kind == ", "target": "1"},
        # a copy of the statement in another file of the repository counts apart
        {"repo": "r", "path": "tests/test_b.py", "split": "train",
         "prefix": head + "    assert x.kind == 1\n    assert y == ", "target": "2"},
        {"repo": "q", "path": "tests/test_a.py", "split": "ir_test", "prefix": head + "    assert x.size == ", "target": "3"},
    ]
    # the evolution track's twin of r's IR test task, in another split; and a train prompt of the evolution track
    # holding q's IR test statement
    evolution = [
        {"repo": "r", "path": "tests/test_a.py", "split": "train", "prefix": head + "    assert x.size == ", "target": "3"},
        {"repo": "q", "path": "tests/test_a.py", "split": "train",
         "prefix": head + "    assert x.size == 3\n    assert z == ", "target": "0"},
    ]
    out = so.in_repository_leaks({"static": static, "evolution": evolution})
    assert out["static"] == {
        "ir_val": {"tasks": 1, "same_file": 0, "other_file_only": 1, "twin_in_another_split": 0},
        "ir_test": {"tasks": 2, "same_file": 2, "other_file_only": 0, "twin_in_another_split": 1}}
    assert out["evolution"]["ir_test"]["tasks"] == 0


def test_maximal_prompts_drop_the_prefixes_of_longer_ones() -> None:
    assert so.maximal_prompts(["ab", "abc", "b", "abc", "abd", "a"]) == ["abc", "abd", "b"]


def test_the_section_is_replaced_in_place_and_kept() -> None:
    text = "# STATS\n\nintro\n"
    once = so.replace_section(text, f"{so.SECTION_START}\nfirst\n{so.SECTION_END}\n")
    twice = so.replace_section(once + "tail\n", f"{so.SECTION_START}\nsecond\n{so.SECTION_END}\n")
    assert twice == f"# STATS\n\nintro\n\n{so.SECTION_START}\nsecond\n{so.SECTION_END}\n\ntail\n"
    assert so.kept_section(twice) == f"{so.SECTION_START}\nsecond\n{so.SECTION_END}\n"
    both = so.replace_section(twice, f"{so.IN_REPO_START}\nrows\n{so.IN_REPO_END}\n", so.IN_REPO_START, so.IN_REPO_END)
    assert both.endswith(f"tail\n\n{so.IN_REPO_START}\nrows\n{so.IN_REPO_END}\n")
    assert so.kept_section(both) == (f"{so.SECTION_START}\nsecond\n{so.SECTION_END}\n\n"
                                     f"{so.IN_REPO_START}\nrows\n{so.IN_REPO_END}\n")
