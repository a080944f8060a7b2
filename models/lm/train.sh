#!/usr/bin/env bash
# Start (or resume) the LM pretraining run in the background with the runtime settings that matter on this CPU.
# Usage: bash models/lm/train.sh RUN_NAME [extra args for models.lm.train, e.g. --deadline 2026-01-01T15:00:00Z]
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:?run name}"; shift
mkdir -p "models/.cache/lm/runs/$run"
LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} \
  nohup /usr/bin/python3 -m models.lm.train --run "$run" "$@" >>"models/.cache/lm/runs/$run/stdout.log" 2>&1 &
echo "$!" >"models/.cache/lm/runs/$run/pid"
echo "started run $run (pid $!); log: models/.cache/lm/runs/$run/log.jsonl"
