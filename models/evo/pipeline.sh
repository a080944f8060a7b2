#!/usr/bin/env bash
# The whole evolution track on the frozen LM and the trained static runs: embed every sequence's snapshot and diffs,
# train Code2LoRA-Evo (fitted into TRAIN_MINUTES, heads' shared base from the single shared LoRA), score the
# evolution track (adds its rows to RESULTS.md and results.json), export the three Evo graphs with their parity
# reference and manifest entries.
# The trained run is published into models/weights/evo.pt, which scoring and export read.
#   models/evo/pipeline.sh <lm checkpoint> [train minutes]
set -euo pipefail
cd "$(dirname "$0")/../.."
LM="$1"
MINUTES="${2:-30}"
THREADS="${THREADS:-2}"
export PYTHONPATH=.
# jemalloc for fast first-touch allocation; not MALLOC_CONF=dirty_decay_ms:-1 (never return memory): long runs
# grew to the whole machine with it.
export LD_PRELOAD=libjemalloc.so.2
PY=/usr/bin/python3
LOGS=models/.cache/evo/logs
mkdir -p "$LOGS"
$PY -m models.evo.step_embeddings --lm "$LM" --threads "$THREADS" > "$LOGS/step_embeddings.log" 2>&1
$PY -m models.evo.train --lm "$LM" --threads "$THREADS" --minutes "$MINUTES" \
    --init-base models/weights/single.pt > "$LOGS/train.log" 2>&1
tail -1 "$LOGS/train.log"
$PY -m models.export.publish_weights --method evo
$PY -m models.eval.evo_eval --lm "$LM" --threads "$THREADS"
$PY -m models.evo.export_onnx --metrics models/results.json
