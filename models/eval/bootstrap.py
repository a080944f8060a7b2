"""Bootstrap statistics: 95% intervals of a mean and the paired bootstrap between two systems, over tasks or, where
tasks cluster in repositories, over repositories (tasks of one repository are not independent draws)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedComparison:
    difference: float      # mean(a) - mean(b) on the same tasks
    low: float
    high: float
    p_value: float         # one-sided: share of resamples where a does not beat b (difference <= 0)
    tasks: int


def _resample_means(values: np.ndarray, samples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), size=(samples, len(values)))
    return values[picks].mean(axis=1)


def mean_interval(values: list[float], samples: int, seed: int) -> Interval:
    arr = np.asarray(values, dtype=np.float64)
    if len(arr) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    means = _resample_means(arr, samples, seed)
    return Interval(float(arr.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))


def paired_bootstrap(a: list[float], b: list[float], samples: int, seed: int) -> PairedComparison:
    if len(a) != len(b):
        raise ValueError("paired bootstrap needs the same tasks on both sides")
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if len(diff) == 0:
        return PairedComparison(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    means = _resample_means(diff, samples, seed)
    return PairedComparison(float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)),
                            float((means <= 0).mean()), len(diff))


def _cluster_resample_means(values: np.ndarray, clusters: list[str], samples: int, seed: int) -> np.ndarray:
    """Means of resamples that draw whole clusters (repositories) with replacement, keeping all their tasks."""
    names = sorted(set(clusters))
    index = {n: i for i, n in enumerate(names)}
    ids = np.asarray([index[c] for c in clusters])
    sums = np.bincount(ids, weights=values, minlength=len(names))
    counts = np.bincount(ids, minlength=len(names)).astype(np.float64)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(names), size=(samples, len(names)))
    return sums[picks].sum(axis=1) / counts[picks].sum(axis=1)


def clustered_interval(values: list[float], clusters: list[str], samples: int, seed: int) -> Interval:
    arr = np.asarray(values, dtype=np.float64)
    if len(arr) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    means = _cluster_resample_means(arr, clusters, samples, seed)
    return Interval(float(arr.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))


def clustered_paired_bootstrap(a: list[float], b: list[float], clusters: list[str], samples: int,
                               seed: int) -> PairedComparison:
    if not (len(a) == len(b) == len(clusters)):
        raise ValueError("paired bootstrap needs the same tasks on both sides, each with its repository")
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if len(diff) == 0:
        return PairedComparison(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    means = _cluster_resample_means(diff, clusters, samples, seed)
    return PairedComparison(float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)),
                            float((means <= 0).mean()), len(diff))
