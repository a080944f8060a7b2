"""Golden rankings for the TypeScript retriever (src/core/memory): every task of the task golden set
(src/core/tasks/golden/golden_cases.jsonl) as a query against the other tasks of its repository, both settings, with
the retriever as it was first and with both of its options (the line above the cut, distinct targets).

    /usr/bin/python3 -m models.memory.golden   (rewrites models/memory/golden/rankings.json.gz)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from models.lm.paths import REPO_DIR

from .prompt import memory_block
from .retriever import top_k

CASES = REPO_DIR / "src" / "core" / "tasks" / "golden" / "golden_cases.jsonl"
GOLDEN = Path(__file__).resolve().parent / "golden" / "rankings.json.gz"
K = 3
RETRIEVERS = ({"previous_line": False, "distinct_targets": False}, {"previous_line": True, "distinct_targets": True})


def pools() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        for t in case["tasks"]:
            task = {"id": f"{case['repo']}:{t['path']}:{t['line']}:{t['column']}", "repo": case["repo"],
                    "path": t["path"], "line": t["line"], "prefix": t["prefix"], "target": t["target"]}
            out.setdefault(case["repo"], []).append(task)
    return out


def rankings() -> dict[str, Any]:
    rows = []
    for repo, pool in sorted(pools().items()):
        for query in pool:
            for options in RETRIEVERS:
                for earlier_only in (False, True):
                    found = top_k(query, pool, K, earlier_only, **options)  # type: ignore[arg-type]
                    rows.append({"query": query["id"], "earlier_only": earlier_only, **options,
                                 "ids": [r.id for r in found], "scores": [round(r.score, 12) for r in found],
                                 "block": memory_block(found)})
    return {"k": K, "cases": str(CASES.relative_to(REPO_DIR)), "rankings": rows}


def read_golden() -> dict[str, Any]:
    return json.loads(gzip.decompress(GOLDEN.read_bytes()))


def main() -> None:
    # mtime 0: the same rankings make the same bytes
    GOLDEN.write_bytes(gzip.compress((json.dumps(rankings(), ensure_ascii=False) + "\n").encode(), mtime=0))
    print(f"{GOLDEN}: {len(rankings()['rankings'])} rankings")


if __name__ == "__main__":
    main()
