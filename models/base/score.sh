#!/usr/bin/env bash
# The pretrained base's table from a clean checkout: the base made from its pinned package, the benchmark rebuilt
# when missing, then CR test (32 tasks per held-out repository, seeded) scored for the base without an adapter and
# the committed single shared LoRA trained on it (models/weights/<base>/), beside both memory floors. Writes
# models/base/RESULTS.md and models/base/results.json; the 5.3M LM's table stays in models/RESULTS.md.
#   bash models/base/score.sh            (THREADS=2 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH=.
export LD_PRELOAD=libjemalloc.so.2
PY=/usr/bin/python3
THREADS="${THREADS:-2}"
BASE=smollm2-135m-instruct-q4_1
$PY -m models.base.setup
if [ ! -s models/.cache/bench/static.jsonl ]; then
  $PY -m models.data.acquire --from-lock
  $PY -c "from models.data import bench_build; bench_build.build(jobs=2)"
fi
[ -s models/.cache/lm/from_onnx.pt ] || $PY -m models.lm.from_onnx   # the encoder named in static_smollm2.json
$PY -m models.eval.static_eval --lm "models/.cache/base/$BASE/lm.pt" --threads "$THREADS" \
  --config models/configs/static_smollm2.json --train-config models/configs/static_train_smollm2.json \
  --eval-config models/configs/static_eval_smollm2.json --weights "models/weights/$BASE" \
  --methods single --baselines pretrained --splits cr_test \
  --predictions "models/.cache/static/predictions/$BASE" \
  --results-md models/base/RESULTS.md --results-json models/base/results.json
