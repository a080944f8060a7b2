"""Order a snapshot's files the way a repository could have grown: modules before the modules and tests that
import them (replayed growth), resolved from `import` statements by Python's ast."""

from __future__ import annotations

import ast


def module_names(path: str) -> list[str]:
    """Dotted names a file may be imported by: its full dotted path, and without a leading src/lib-style folder."""
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts:
        return []
    names = [".".join(parts)]
    if len(parts) > 1:
        names.append(".".join(parts[1:]))
    return names


def imported_modules(path: str, text: str) -> list[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    package = path[:-3].split("/")[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module:
                found.append(module)
                found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def dependencies(files: dict[str, str], targets: dict[str, str]) -> dict[str, list[str]]:
    """For each file of `files`, the files of `targets` it imports (sorted)."""
    by_name: dict[str, str] = {}
    for path in sorted(targets, key=lambda p: (p.count("/"), p)):
        for name in module_names(path):
            by_name.setdefault(name, path)
    deps: dict[str, list[str]] = {}
    for path, text in files.items():
        found: set[str] = set()
        for module in imported_modules(path, text):
            parts = module.split(".")
            for i in range(len(parts), 0, -1):
                hit = by_name.get(".".join(parts[:i]))
                if hit is not None:
                    if hit != path:
                        found.add(hit)
                    break
        deps[path] = sorted(found)
    return deps


def growth_order(production: dict[str, str], tests: dict[str, str]) -> list[str]:
    """All paths: production files in dependency order (depth-first post-order over sorted paths, so cycles
    still give one deterministic order); each test file right after the last production file it imports;
    test files that import none of the repository's modules at the end."""
    prod_deps = dependencies(production, production)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(path: str) -> None:
        stack = [(path, iter(prod_deps[path]))]
        state[path] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(prod_deps[child])))

    for path in sorted(production):
        if path not in state:
            visit(path)
    position = {p: i for i, p in enumerate(order)}
    test_deps = dependencies(tests, production)
    after: dict[int, list[str]] = {}
    tail: list[str] = []
    for path in sorted(tests):
        if test_deps[path]:
            after.setdefault(max(position[d] for d in test_deps[path]), []).append(path)
        else:
            tail.append(path)
    result: list[str] = []
    for i, path in enumerate(order):
        result.append(path)
        result += after.get(i, [])
    return result + tail
