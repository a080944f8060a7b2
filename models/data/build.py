"""Rebuild everything of the data stage, resumably, with progress:

1. enable deb-src (idempotent) and download the candidate source packages (models.data.acquire);
2. the LM's pretraining corpus (models.data.corpus; skipped when models/.cache/corpus/READY exists);
3. the benchmark: static and evolution tracks (models.data.bench_build);
4. a leakage check of the corpus against the benchmark, and models/data/STATS.md.

    /usr/bin/python3 -m models.data.build [--from-lock] [--skip-download] [--jobs 6]
"""

from __future__ import annotations

import argparse
import sys

from . import acquire, bench_build, corpus, leakage, stats


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=6, help="parallel downloads")
    parser.add_argument("--from-lock", action="store_true",
                        help="download exactly the pinned sources.lock.tsv instead of rediscovering candidates")
    parser.add_argument("--skip-download", action="store_true", help="use the source packages already cached")
    args = parser.parse_args(argv)
    if not args.skip_download:
        acquire.run(args.jobs, args.from_lock)
    corpus.build(jobs=2)
    bench_build.build(jobs=2)
    print(leakage.write_leakage())
    print(stats.write_stats())


if __name__ == "__main__":
    main(sys.argv[1:])
