"""Random training windows from a flat uint16 token stream, and fixed validation windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import Tensor


def open_stream(path: Path) -> np.ndarray:
    return np.memmap(path, dtype=np.uint16, mode="r")


class WindowSampler:
    """Batches of `batch` windows of `seq_len` tokens at uniformly random offsets (a seeded, resumable stream)."""

    def __init__(self, stream: np.ndarray, seq_len: int, batch: int, seed: int) -> None:
        if len(stream) <= seq_len:
            raise ValueError(f"token stream of {len(stream)} tokens is shorter than one window ({seq_len})")
        self.stream = stream
        self.seq_len = seq_len
        self.batch = batch
        self.rng = np.random.default_rng(seed)

    def next(self) -> Tensor:
        starts = self.rng.integers(0, len(self.stream) - self.seq_len, size=self.batch)
        rows = np.stack([self.stream[s : s + self.seq_len] for s in starts]).astype(np.int64)
        return torch.from_numpy(rows)

    def state(self) -> dict[str, object]:
        return self.rng.bit_generator.state

    def restore(self, state: dict[str, object]) -> None:
        self.rng.bit_generator.state = state


def validation_windows(stream: np.ndarray, seq_len: int, max_windows: int) -> Tensor:
    """Non-overlapping windows spread evenly over the stream (the same every time)."""
    count = min(max_windows, len(stream) // seq_len)
    stride = len(stream) // count
    rows = np.stack([stream[i * stride : i * stride + seq_len] for i in range(count)]).astype(np.int64)
    return torch.from_numpy(rows)
