#!/usr/bin/env bash
# The pretrained base's table from a clean checkout: the base made from its pinned package, the benchmark rebuilt
# when missing, then CR test (32 tasks per held-out repository, seeded) and IR test (16 per repository, 60
# repositories in two seeded draws) scored for the base without an adapter, RAG k=3, the base with the repository's
# tests in its prompt (both settings), and the adapters trained on it whose weights are published
# (models/weights/<base>/single.pt, static.pt, single_memory.pt; static_control.pt, Static's control, and
# static_base_l10.pt, Static on the encoder chosen on CR val, each hypernetwork embedding repositories with the
# encoder it was trained with), beside both memory floors; the IR process also
# trains the per-repository LoRAs (30 repositories in two seeded draws, from the single LoRA). The two splits
# decode in two processes (one thread each) into the prediction cache; a last run reads them back and writes
# models/base/RESULTS.md and models/base/results.json. The 5.3M LM's table stays in models/RESULTS.md.
#   bash models/base/score.sh
#   SPLITS=cr_test BASELINES=pretrained,tests_memory bash models/base/score.sh   (a part of the table)
#   SPLITS=cr_test RESULTS_JSON=f.json RESULTS_MD=F.md NOTES=/dev/null bash models/base/score.sh   (a part, beside
#   the table, without the notes)
source "$(dirname "$0")/env.sh"
SPLITS="${SPLITS:-cr_test,ir_test}"
BASELINES="${BASELINES:-pretrained,tests_memory,tests_memory_earlier_only,rag}"
if [ ! -s models/.cache/bench/static.jsonl ]; then
  $PY -m models.data.acquire --from-lock
  $PY -c "from models.data import bench_build; bench_build.build(jobs=2)"
fi
[ -s models/.cache/lm/from_onnx.pt ] || $PY -m models.lm.from_onnx   # the encoder named in static_smollm2.json
# The adapters trained on this base so far (a method without published weights is left out of the table).
# The LoRA trained on the tests-in-the-prompt format is scored in both memory settings.
methods=$(for m in single static static_control static_base_l10 single_memory; do
  if [ -s "models/weights/$BASE/$m.pt" ]; then printf "%s," "$m"; [ "$m" = single_memory ] && printf "single_memory_earlier_only,"; fi
done)
score() {  # score <threads> <splits> <results-json> <results-md>
  $PY -m models.eval.static_eval --lm "models/.cache/base/$BASE/lm.pt" --threads "$1" \
    --config models/configs/static_smollm2.json --train-config models/configs/static_train_smollm2.json \
    --eval-config models/configs/static_eval_smollm2.json --weights "models/weights/$BASE" \
    --methods "${methods%,}" --baselines "$BASELINES" --splits "$2" \
    --predictions "models/.cache/static/predictions/$BASE" --notes "${NOTES:-models/base/NOTES.md}" \
    --results-json "$3" --results-md "$4"
}
tmp=$(mktemp -d)
pids=()
for split in ${SPLITS//,/ }; do
  score 1 "$split" "$tmp/$split.json" "$tmp/$split.md" > "$tmp/$split.log" 2>&1 &
  pids+=("$!")
done
for pid in "${pids[@]}"; do wait "$pid" || { cat "$tmp"/*.log; exit 1; }; done
score 2 "$SPLITS" "${RESULTS_JSON:-models/base/results.json}" "${RESULTS_MD:-models/base/RESULTS.md}"
rm -rf "$tmp"
