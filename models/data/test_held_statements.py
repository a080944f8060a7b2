from models.data.held_statements import statement_context, train_tasks_holding_held_statements

HEAD = "import pkg\n\ndef test_a():\n    x = pkg.make()\n"


def record(i: str, split: str, prefix: str, target: str) -> dict[str, object]:
    return {"id": i, "repo": "r", "path": f"tests/{i}.py", "split": split, "prefix": prefix, "target": target}


def test_train_prompts_holding_an_ir_statement_are_found_in_any_file() -> None:
    held = record("held", "ir_test", HEAD + "    assert x.size == ", "3")
    copy_below = record("copy", "train", HEAD + "    assert x.size == 3\n    assert x.name == ", "'a'")
    # the same cursor line without the target, or with another line before it, is not the statement
    before = record("before", "train", HEAD + "    assert x.size == ", "3")
    other = record("other", "train", HEAD + "    y = 1\n    assert x.size == 3\n    assert y == ", "1")
    val_copy = record("valcopy", "train", "    assert x.kind == 1\n    assert x == ", "x")
    val = record("val", "ir_val", "    z = 0\n    assert x.kind == ", "1")
    records = [held, copy_below, before, other, val_copy, val]
    assert train_tasks_holding_held_statements(records) == {"copy"}
    assert statement_context(held) == "    x = pkg.make()\n    assert x.size == 3"
    assert train_tasks_holding_held_statements([copy_below, before]) == set()


def test_a_blank_line_before_the_cursor_must_be_a_blank_line_of_the_prompt() -> None:
    held = record("held", "ir_test", "def test_b():\n    y = 2\n\n    with pytest.raises(", "TypeError")
    ends_a_line = record("ends", "train", "def test_c():\n    with pytest.raises(TypeError):\n        f()\n    assert ", "1")
    blank = record("blank", "train", "def test_c():\n    z = 1\n\n    with pytest.raises(TypeError):\n    assert ", "1")
    assert train_tasks_holding_held_statements([held, ends_a_line, blank]) == {"blank"}
