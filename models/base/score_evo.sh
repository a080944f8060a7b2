#!/usr/bin/env bash
# The evolution track on the pretrained base: CR test (18 tasks per held-out repository, seeded: 609 tasks), each
# task scored with the adapter that has consumed its step's diff. Systems: the base alone, the single LoRA, and the
# adapters trained on this base whose weights are in models/weights/<base>/ (evo_control, static_control, static, evo;
# none of these four is committed: models/evo/README.md and models/base/README.md say how to train and publish them). Completions are kept in
# the prediction cache, so `DECODE_ONLY=1 SYSTEMS=pretrained,single` can run while Evo trains; the last run writes
# the evolution section of models/base/RESULTS.md and models/base/results.json.
#   bash models/base/score_evo.sh
source "$(dirname "$0")/env.sh"
SYSTEMS="${SYSTEMS:-pretrained,single,evo_control,static_control,static,evo}"
THREADS="${THREADS:-1}"
[ -s models/.cache/lm/from_onnx.pt ] || $PY -m models.lm.from_onnx   # the encoder named in static_smollm2.json
# Step embeddings are the encoder's: the 5.3M LM's serve the base (cached per sequence; a no-op once made).
$PY -m models.evo.step_embeddings --lm models/.cache/lm/from_onnx.pt --threads "$THREADS" | tail -1
extra=()
[ -n "${DECODE_ONLY:-}" ] && extra+=(--decode-only)
$PY -m models.eval.evo_eval --lm "models/.cache/base/$BASE/lm.pt" --threads "$THREADS" \
  --config models/configs/static_smollm2.json --eval-config models/configs/evo_eval_smollm2.json \
  --weights "models/weights/$BASE" --systems "$SYSTEMS" --splits cr_test \
  --cache "models/.cache/evo/predictions/$BASE/cache" --predictions "models/.cache/evo/predictions/$BASE" \
  --notes models/base/NOTES.md --results-json models/base/results.json --results-md models/base/RESULTS.md \
  "${extra[@]}"
