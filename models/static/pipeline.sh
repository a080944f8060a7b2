#!/usr/bin/env bash
# The whole static track on one frozen LM checkpoint: fill the file-vector cache, train the single shared LoRA and
# Code2LoRA-Static side by side (one core each, each fitted into TRAIN_MINUTES), score everything (RESULTS.md,
# results.json), export hypernet_static.onnx with its parity reference and manifest entry.
#   models/static/pipeline.sh <lm checkpoint> [train minutes]
set -euo pipefail
cd "$(dirname "$0")/../.."
LM="$1"
MINUTES="${2:-10}"
THREADS="${THREADS:-1}"
export PYTHONPATH=.
export LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
PY=/usr/bin/python3
LOGS=models/.cache/static/logs
mkdir -p "$LOGS"
# The single shared LoRA needs no repository embeddings: it trains while the encoder fills the cache.
$PY -m models.static.train --method single --lm "$LM" --threads 1 --minutes "$MINUTES" > "$LOGS/train_single.log" 2>&1 &
single=$!
$PY -m models.static.train --method static --lm "$LM" --threads "$THREADS" --embed-only 2>&1 | tail -2
$PY -m models.static.train --method static --lm "$LM" --threads 1 --minutes "$MINUTES" > "$LOGS/train_static.log" 2>&1 &
static=$!
wait "$single" "$static"
tail -1 "$LOGS/train_single.log" "$LOGS/train_static.log"
$PY -m models.eval.static_eval --lm "$LM" --threads "$THREADS"
$PY -m models.static.export_onnx --metrics models/results.json
