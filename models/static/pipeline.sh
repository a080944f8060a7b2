#!/usr/bin/env bash
# The whole static track on the frozen LM: fill the file-vector cache, train the single shared LoRA and
# Code2LoRA-Static side by side (one core each, the train config's steps, or fitted into MINUTES when given),
# publish both into models/weights/, score everything (RESULTS.md, results.json), export hypernet_static.onnx with
# its parity reference and manifest entry.
#   models/static/pipeline.sh [lm checkpoint] [train minutes]
# The default LM is the one rebuilt from the committed lm.onnx (models.lm.from_onnx).
set -euo pipefail
cd "$(dirname "$0")/../.."
LM="${1:-models/.cache/lm/from_onnx.pt}"
MINUTES=()
if [ -n "${2:-}" ]; then MINUTES=(--minutes "$2"); fi
THREADS="${THREADS:-1}"
export PYTHONPATH=.
# jemalloc for fast first-touch allocation; not MALLOC_CONF=dirty_decay_ms:-1 (never return memory): long runs
# grew to the whole machine with it.
export LD_PRELOAD=libjemalloc.so.2
PY=/usr/bin/python3
LOGS=models/.cache/static/logs
mkdir -p "$LOGS"
[ -s "$LM" ] || $PY -m models.lm.from_onnx --out "$LM"
# The single shared LoRA needs no repository embeddings: it trains while the encoder fills the cache.
$PY -m models.static.train --method single --lm "$LM" --threads 1 "${MINUTES[@]}" > "$LOGS/train_single.log" 2>&1 &
single=$!
$PY -m models.static.train --method static --lm "$LM" --threads "$THREADS" --embed-only 2>&1 | tail -2
$PY -m models.static.train --method static --lm "$LM" --threads 1 "${MINUTES[@]}" > "$LOGS/train_static.log" 2>&1 &
static=$!
wait "$single" "$static"
tail -1 "$LOGS/train_single.log" "$LOGS/train_static.log"
$PY -m models.export.publish_weights --method single
$PY -m models.export.publish_weights --method static
$PY -m models.eval.static_eval --lm "$LM" --threads "$THREADS"
$PY -m models.static.export_onnx --metrics models/results.json
