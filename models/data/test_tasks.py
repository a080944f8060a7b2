"""Hand-written fixtures for every task family and every filter of models/data/tasks.py."""

from __future__ import annotations

import textwrap

from models.data.tasks import Task, extract_tasks
from models.data.file_roles import is_test_file


def tasks_of(code: str) -> list[Task]:
    return extract_tasks("tests/test_x.py", textwrap.dedent(code))


def targets(code: str) -> list[tuple[str, str]]:
    return [(t.kind, t.target) for t in tasks_of(code)]


def test_bare_assert_targets_right_hand_side_and_prefix_ends_at_cut() -> None:
    code = """\
        import os
        from pkg import parse

        X = 1

        def helper():
            return 2

        def test_parse():
            v = parse("1.2")
            assert v == Version(1, 2), "message"
        """
    [task] = tasks_of(code)
    assert task.kind == "assert"
    assert task.target == "Version(1, 2)"
    assert task.prefix == 'import os\nfrom pkg import parse\ndef test_parse():\n    v = parse("1.2")\n    assert v == '
    assert task.line == 11 and task.column == 16
    assert task.function == "test_parse"


def test_assert_other_single_comparisons_and_grouping_parentheses() -> None:
    code = """\
        def test_ops():
            assert a != b1
            assert a is not None
            assert (a) in (x + y)
            assert a == (1, 2)
            assert a < b < c
            assert a
        """
    assert targets(code) == [("assert", "b1"), ("assert", "None"), ("assert", "(x + y)"), ("assert", "(1, 2)")]


def test_self_assert_last_positional_argument_with_class_header_and_helpers() -> None:
    code = """\
        import unittest

        class TestThing(unittest.TestCase):
            '''Doc.'''
            def setUp(self):
                self.x = 1

            def other(self):
                return 3

            def test_eq(self):
                self.assertEqual(self.x, compute(1), msg="m")
                with self.assertRaises(ValueError):
                    compute(-1)
        """
    tasks = tasks_of(code)
    assert [(t.kind, t.target) for t in tasks] == [("self_assert", "compute(1)"), ("self_assert", "ValueError")]
    assert tasks[0].prefix == (
        "import unittest\n"
        "class TestThing(unittest.TestCase):\n"
        "    def setUp(self):\n        self.x = 1\n"
        "    def test_eq(self):\n        self.assertEqual(self.x, ")
    assert tasks[0].function == "TestThing.test_eq"


def test_pytest_raises_expected_exception_and_fixtures_in_prefix() -> None:
    code = """\
        import pytest

        @pytest.fixture
        def thing():
            return 1

        def test_raises(thing):
            with pytest.raises(KeyError, match="k"):
                {}["k"]
            pytest.raises(TypeError, len, 1)
        """
    tasks = tasks_of(code)
    assert [(t.kind, t.target) for t in tasks] == [("pytest_raises", "KeyError"), ("pytest_raises", "TypeError")]
    assert tasks[0].prefix.startswith("import pytest\n@pytest.fixture\ndef thing():\n    return 1\ndef test_raises")


def test_pytest_approx_argument() -> None:
    code = """\
        from pytest import approx
        import pytest

        def test_close():
            assert f(0.1) == pytest.approx(0.3, rel=1e-3)
            assert g() == approx([0.1, 0.2])
        """
    assert targets(code) == [("pytest_approx", "0.3"), ("pytest_approx", "[0.1, 0.2]")]


def test_numpy_asserts_by_module_and_imported_name() -> None:
    code = """\
        import numpy as np
        from numpy.testing import assert_allclose as close, assert_equal

        def test_arrays():
            np.testing.assert_array_equal(a, np.arange(3))
            close(b, [1.0, 2.0], rtol=1e-6)
            assert_equal(c, 42)
            other.assert_called_once_with(5)
        """
    assert targets(code) == [("numpy_assert", "np.arange(3)"), ("numpy_assert", "[1.0, 2.0]"),
                             ("numpy_assert", "42")]


def test_module_level_and_non_test_function_asserts_are_dropped() -> None:
    code = """\
        assert VERSION == "1.0"

        def check(x):
            assert x == "abc"

        def test_a():
            assert y == "ok"
        """
    assert targets(code) == [("assert", '"ok"')]


def test_short_empty_and_punctuation_targets_are_dropped() -> None:
    code = """\
        def test_filters():
            assert a == 1
            assert a == []
            assert a == ()
            assert a == {}
            assert a == 10
            self.assertEqual(a, x)
        """
    assert targets(code) == [("assert", "10")]


def test_duplicates_within_a_function_are_dropped_but_not_across_functions() -> None:
    code = """\
        def test_one():
            assert f() == 10
            assert f()  ==  10
            assert f() == 11

        def test_two():
            assert f() == 10
        """
    assert [(t.function, t.target) for t in tasks_of(code)] == [
        ("test_one", "10"), ("test_one", "11"), ("test_two", "10")]


def test_async_tests_methods_and_nested_blocks() -> None:
    code = """\
        class TestX:
            async def test_a(self):
                for i in range(3):
                    if i:
                        assert await g(i) == "v"
        """
    assert targets(code) == [("assert", '"v"')]


def test_multibyte_text_uses_byte_columns_and_multiline_targets() -> None:
    code = """\
        def test_u():
            assert "é" == {
                "k": 1}
        """
    [task] = tasks_of(code)
    assert task.target == '{\n        "k": 1}'
    assert task.column == len('    assert "é" == '.encode())


def test_syntax_errors_give_no_tasks() -> None:
    assert extract_tasks("tests/test_bad.py", "def test_x(:\n    assert a == 10\n") == []


def test_test_file_rule() -> None:
    assert is_test_file("tests/helpers.py")
    assert is_test_file("pkg/test/util.py")
    assert is_test_file("test_mod.py")
    assert is_test_file("pkg/mod_test.py")
    assert is_test_file("conftest.py")
    assert not is_test_file("pkg/testing.py")
    assert not is_test_file("pkg/contest.py")
    assert not is_test_file("tests/data.json")


def test_comments_before_a_target_do_not_count_as_grouping_parentheses() -> None:
    code = """\
        def test_c():
            self.assertEqual(value,  # compare (roughly
                             expected_value)
            self.assertEqual(value,  # note
                             (a + b))
        """
    assert targets(code) == [("self_assert", "expected_value"), ("self_assert", "(a + b)")]


def test_comments_inside_grouping_parentheses_are_whitespace() -> None:
    code = """\
        def test_c():
            self.assertEqual(
                a,  # compare (x)
                bb)
            assert x == (  # is it in?
                yy)
            assert xy == (yy  # c
                )
        """
    assert targets(code) == [("self_assert", "bb"), ("assert", "(  # is it in?\n        yy)"),
                             ("assert", "(yy  # c\n        )")]
