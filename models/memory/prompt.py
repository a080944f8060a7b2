"""The memory prompt: the recalled assertions as a comment block, then the prefix with the budget every method gets.

The block comes on top of the prefix budget (as RAG's retrieved code does), best match last, nearest the cursor:
    # Assertions in this repository's tests:
    # assert parse(w) == Version(2)
    # assert parse(v) == Version(1)
As comments they cannot change what the prefix's code means, and a repository's file contents stay data.
"""

from __future__ import annotations

from .retriever import Recalled

HEADER = "# Assertions in this repository's tests:\n"


def memory_block(recalled: list[Recalled], max_chars_per_line: int = 200) -> str:
    if not recalled:
        return ""
    lines = [f"# {r.assertion[:max_chars_per_line]}\n" for r in reversed(recalled)]
    return HEADER + "".join(lines)


def memory_prompt(prefix: list[int], block: list[int], budget: int, max_block: int, eot: int,
                  quantum: int = 1) -> list[int]:
    """[eot] + the block's last max_block tokens (its best lines) + the prefix's tail within `budget`, shortened at
    its start to a quantized total length (models.static.prompts.quantized_cut)."""
    from models.static.prompts import quantized_cut

    context = block[len(block) - max_block:] if len(block) > max_block else block
    tail = prefix if len(prefix) + 1 <= budget else prefix[len(prefix) - budget:]
    cut = min(len(tail), quantized_cut(1 + len(context) + len(tail), quantum))
    return [eot] + context + tail[cut:]
