"""Assertion-completion tasks from a Python test file (RepoPeftBench's five families), by Python's `ast`.

Every rule is a rule on spans of the source text, so that the TypeScript extractor (tree-sitter) can reproduce
the tasks exactly; TASKS.md states them in full. Offsets below are byte offsets into the UTF-8 encoded file.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from typing import Iterator, Literal, Optional, Union

Kind = Literal["assert", "self_assert", "pytest_raises", "pytest_approx", "numpy_assert"]
KINDS: tuple[Kind, ...] = ("assert", "self_assert", "pytest_raises", "pytest_approx", "numpy_assert")

HELPER_METHODS = frozenset({
    "setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown",
    "setup_method", "teardown_method", "setup_class", "teardown_class", "setup", "teardown",
})
NUMPY_ROOTS = frozenset({"np", "numpy", "npt", "nptest", "testing"})
SELF_ASSERT = re.compile(r"assert[A-Z]\w*\Z")
_PUNCTUATION = set(string.punctuation) | set(string.whitespace)

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True)
class Task:
    path: str
    line: int          # 1-based line of the target's first character
    column: int        # 0-based byte column of the target's first character
    kind: Kind
    prefix: str
    target: str
    function: str      # "Class.test_name" or "test_name": where the site is
    statement: str     # the assertion statement's text, whitespace-collapsed (duplicate and change detection)


class _Source:
    """The file as bytes with line starts, to turn ast (line, byte column) positions into byte offsets."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.line_starts = [0]
        for i, b in enumerate(self.data):
            if b == 0x0A:
                self.line_starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.line_starts[line - 1] + col

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8")

    def lines(self, first_line: int, last_line: int) -> str:
        """Whole lines first_line..last_line (1-based, inclusive), without the final newline."""
        start = self.line_starts[first_line - 1]
        end = self.line_starts[last_line] - 1 if last_line < len(self.line_starts) else len(self.data)
        return self.text(start, end).rstrip("\r\n") if end >= start else ""


def _first_line(node: FunctionNode | ast.ClassDef) -> int:
    return min([node.lineno] + [d.lineno for d in node.decorator_list])


_COMMENT = re.compile(rb"#[^\r\n]*")


def _without_comments(data: bytes) -> bytes:
    """Text between tokens (never inside a string) with each comment blanked to spaces, offsets kept."""
    return _COMMENT.sub(lambda m: b" " * len(m.group()), data)


def _grouping_span(src: _Source, lower: int, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) over grouping parentheses that lie between `lower` and the expression.

    ast leaves a parenthesised expression's parentheses out of its span (tuples and generators keep theirs);
    tree-sitter keeps them (parenthesized_expression). The rule: the '(' characters in the run of whitespace,
    backslashes and '(' that ends right before the expression (and starts after `lower`) group it; the same
    number of ')' follow it.
    """
    between = _without_comments(src.data[lower:start])
    # Only the run of whitespace, backslashes and '(' right before the expression counts (a comment earlier in
    # `between` may hold any character).
    run = len(between) - len(between.rstrip(b" \t\r\n\\("))
    opens = between[len(between) - run:].count(b"(")
    new_start = start
    if opens:
        new_start = start - run + between[len(between) - run:].index(b"(")
    new_end = end
    for _ in range(opens):
        i = new_end
        while i < len(src.data):
            if src.data[i:i + 1] == b"#":  # a comment runs to the end of its line
                while i < len(src.data) and src.data[i:i + 1] not in (b"\r", b"\n"):
                    i += 1
            elif src.data[i:i + 1] in (b" ", b"\t", b"\r", b"\n", b"\\"):
                i += 1
            else:
                break
        if src.data[i:i + 1] != b")":
            break
        new_end = i + 1
    return new_start, new_end


_COMPARE_OP = re.compile(rb"==|!=|<=|>=|<|>|\bis\s+not\b|\bnot\s+in\b|\bis\b|\bin\b")


def _compare_target(src: _Source, test: ast.Compare) -> tuple[int, int]:
    """Span of the right-hand side of a one-operator comparison (with its grouping parentheses)."""
    left_end = src.end(test.left)
    right = test.comparators[0]
    right_start = src.start(right)
    between = _without_comments(src.data[left_end:right_start])
    # The operator is the last operator token between the operands (closing parens of a parenthesised left
    # operand come before it, opening parens of the right operand after it).
    matches = list(_COMPARE_OP.finditer(between))
    lower = left_end + (matches[-1].end() if matches else 0)
    return _grouping_span(src, lower, right_start, src.end(right))


def _argument_target(src: _Source, call: ast.Call, index: int) -> tuple[int, int]:
    """Span of positional argument `index` of a call (with its grouping parentheses)."""
    arg = call.args[index]
    if index == 0:
        func_end = src.end(call.func)
        # skip the argument list's own '(' (a lone generator argument starts at it)
        lower = func_end + _without_comments(src.data[func_end:src.start(arg) + 1]).index(b"(") + 1
    else:
        prev_end = src.end(call.args[index - 1])
        lower = prev_end + _without_comments(src.data[prev_end:src.start(arg)]).index(b",") + 1
    return _grouping_span(src, lower, src.start(arg), src.end(arg))


def _dotted(node: ast.expr) -> list[str]:
    """['np', 'testing', 'assert_equal'] for np.testing.assert_equal; [] when not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return []


def _numpy_testing_names(tree: ast.Module) -> set[str]:
    """Names bound by module-level `from numpy.testing import assert_x [as y]`."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module in ("numpy.testing", "numpy.testing.utils"):
            for alias in stmt.names:
                if alias.name.startswith("assert_"):  # bound under its alias, whatever that is
                    names.add(alias.asname or alias.name)
    return names


def _call_kind(call: ast.Call, numpy_names: set[str]) -> Optional[Kind]:
    name = _dotted(call.func)
    if not name:
        return None
    if len(name) == 2 and name[0] == "self" and SELF_ASSERT.match(name[1]):
        return "self_assert"
    if name == ["pytest", "raises"] or name == ["raises"]:
        return "pytest_raises"
    if len(name) == 1 and name[0] in numpy_names:
        return "numpy_assert"
    if name[-1].startswith("assert_"):
        if len(name) > 1 and (name[0] in NUMPY_ROOTS or "testing" in name[:-1]):
            return "numpy_assert"
    return None


def _is_approx(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _dotted(node.func) in (["pytest", "approx"], ["approx"])


def _keep_target(target: str) -> bool:
    t = target.strip()
    if not t or t.startswith(","):
        return False
    if len(t) == 1:
        return False
    return not all(ch in _PUNCTUATION for ch in t)


def _sites(src: _Source, func: FunctionNode, numpy_names: set[str]) -> Iterator[tuple[Kind, int, int, ast.AST]]:
    """(kind, target start, target end, statement) for every assertion site in the function, in source order."""
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            test = node.test
            if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
                continue
            right = test.comparators[0]
            if _is_approx(right):
                call = right
                assert isinstance(call, ast.Call)
                if len(call.args) >= 1 and not any(isinstance(a, ast.Starred) for a in call.args):
                    start, end = _argument_target(src, call, len(call.args) - 1)
                    yield "pytest_approx", start, end, node
                continue
            start, end = _compare_target(src, test)
            yield "assert", start, end, node
        elif isinstance(node, (ast.Expr, ast.With, ast.AsyncWith)):
            calls = ([node.value] if isinstance(node, ast.Expr)
                     else [item.context_expr for item in node.items])
            for call in calls:
                if not isinstance(call, ast.Call):
                    continue
                kind = _call_kind(call, numpy_names)
                if kind is None or not call.args or any(isinstance(a, ast.Starred) for a in call.args):
                    continue
                # pytest.raises(E, ...) expects E: its first argument; the others complete their last one.
                index = 0 if kind == "pytest_raises" else len(call.args) - 1
                start, end = _argument_target(src, call, index)
                yield kind, start, end, (node if isinstance(node, ast.Expr) else call)


def _is_fixture(func: FunctionNode, src: _Source) -> bool:
    return any("fixture" in src.text(src.start(d), src.end(d)) for d in func.decorator_list)


def _test_functions(tree: ast.Module) -> Iterator[tuple[Optional[ast.ClassDef], FunctionNode]]:
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name.startswith("test"):
            yield None, stmt
        elif isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    yield stmt, item


def _context(src: _Source, tree: ast.Module, cls: Optional[ast.ClassDef], func: FunctionNode) -> list[str]:
    """The prefix's whole-line segments before the test function: imports, fixtures, class header, helpers."""
    segments = [src.lines(s.lineno, s.end_lineno or s.lineno) for s in tree.body
                if isinstance(s, (ast.Import, ast.ImportFrom))]
    first = _first_line(cls) if cls is not None else _first_line(func)
    for s in tree.body:
        if (isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_fixture(s, src)
                and (s.end_lineno or s.lineno) < first):
            segments.append(src.lines(_first_line(s), s.end_lineno or s.lineno))
    if cls is not None:
        segments.append(src.lines(_first_line(cls), cls.body[0].lineno - 1))
        for item in cls.body:
            if item is func:
                continue
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    item.name in HELPER_METHODS or _is_fixture(item, src)):
                segments.append(src.lines(_first_line(item), item.end_lineno or item.lineno))
    return segments


def _collapse(text: str) -> str:
    return " ".join(text.split())


def extract_tasks(path: str, text: str) -> list[Task]:
    """Tasks of one test file, in source order (the caller decides whether the file is a test file)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    src = _Source(text)
    numpy_names = _numpy_testing_names(tree)
    tasks: list[Task] = []
    for cls, func in _test_functions(tree):
        context = _context(src, tree, cls, func)
        func_start = src.line_starts[_first_line(func) - 1]
        seen_statements: set[str] = set()
        qualname = f"{cls.name}.{func.name}" if cls is not None else func.name
        sites = sorted(_sites(src, func, numpy_names), key=lambda s: s[1])
        for kind, start, end, stmt in sites:
            target = src.text(start, end)
            if not _keep_target(target):
                continue
            statement = _collapse(src.text(src.start(stmt), src.end(stmt)))
            if statement in seen_statements:
                continue
            seen_statements.add(statement)
            prefix = "\n".join(context + [src.text(func_start, start)])
            line = next(i for i in range(len(src.line_starts), 0, -1) if src.line_starts[i - 1] <= start)
            tasks.append(Task(path=path, line=line, column=start - src.line_starts[line - 1], kind=kind,
                              prefix=prefix, target=target, function=qualname, statement=statement))
    return tasks
