"""CPU runtime settings measured to matter here (DESIGN.md section 4), and the optional DDP process group."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
import torch.distributed as dist

JEMALLOC_HINT = "LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1"


@dataclass(frozen=True)
class Distributed:
    rank: int
    world_size: int

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup_cpu(threads: int = 2) -> None:
    torch.set_num_threads(threads)
    if "jemalloc" not in os.environ.get("LD_PRELOAD", ""):
        print(f"note: run with {JEMALLOC_HINT} for sane speed (first-touch page faults are slow here)", flush=True)


def setup_distributed() -> Distributed:
    """torchrun sets WORLD_SIZE/RANK; a plain `python3 -m ...` run is a world of one."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size > 1 and not dist.is_initialized():
        dist.init_process_group(backend="gloo")
    return Distributed(rank=int(os.environ.get("RANK", "0")), world_size=world_size)


@lru_cache(maxsize=None)
def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU multiplies bfloat16 in hardware (AVX-512 BF16 or AMX). Without it PyTorch emulates bf16
    matmuls: measured here (an AMD EPYC without either), a bf16 matmul took 16 times as long as the float32 one."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags = {f for line in cpuinfo.splitlines() if line.startswith("flags") for f in line.split(":", 1)[1].split()}
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def autocast(device: torch.device | str = "cpu") -> torch.autocast:
    """bfloat16 autocast where it is fast (CUDA, or a CPU with native bf16); float32 elsewhere."""
    kind = torch.device(device).type
    return torch.autocast(kind, dtype=torch.bfloat16, enabled=kind == "cuda" or cpu_has_native_bf16())


def resolve_device(name: str) -> torch.device:
    """`--device cpu|cuda`; asking for CUDA where there is none is an error, not a silent CPU run."""
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available here")
    return torch.device(name)
