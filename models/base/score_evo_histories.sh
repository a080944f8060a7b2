#!/usr/bin/env bash
# Code2LoRA-Evo on real commit histories (issue 16), on the pretrained base: the histories track built from the
# clones when missing (models.data.histories.build), step embeddings of its sequences (the history's first commit
# read from its clone), then CR test (at most 14 tasks per held-out repository, seeded) scored for the base alone,
# the single LoRA, Code2LoRA-Static, and Evo and its control trained on the histories' training repositories
# (models/evo/README.md), beside the causal floor. Writes models/base/histories/EVO.md and evo.json.
#   CLONES=<folder of the clones> bash models/base/score_evo_histories.sh
#   CLONES=... DECODE_ONLY=1 SYSTEMS=pretrained,single,static bash models/base/score_evo_histories.sh   (while Evo trains)
source "$(dirname "$0")/env.sh"
CLONES="${CLONES:?give CLONES, the folder of the histories clones (owner+name/repo or owner+name.git)}"
SYSTEMS="${SYSTEMS:-pretrained,single,evo_control,static,evo}"
THREADS="${THREADS:-1}"
H=models/.cache/histories
# Evo and its control trained on the histories live apart from the benchmark's; the single LoRA and Static are the
# base's own (linked).
W="models/weights/$BASE/histories"
[ -s "$H/sequences.jsonl" ] || $PY -m models.data.histories.build --clones "$CLONES" --jobs 2
[ -s models/.cache/lm/from_onnx.pt ] || $PY -m models.lm.from_onnx   # the encoder named in static_smollm2.json
$PY -m models.evo.step_embeddings --lm models/.cache/lm/from_onnx.pt --bench "$H" --clones "$CLONES" \
  --threads "$THREADS" | tail -1
mkdir -p "$W"
for m in single static; do ln -sfn "../$m.pt" "$W/$m.pt"; done
extra=()
[ -n "${DECODE_ONLY:-}" ] && extra+=(--decode-only)
$PY -m models.eval.evo_eval --track histories --bench "$H" --clones "$CLONES" --lm "models/.cache/base/$BASE/lm.pt" \
  --threads "$THREADS" --config models/configs/static_smollm2.json \
  --eval-config models/configs/evo_eval_histories_smollm2.json --weights "$W" --systems "$SYSTEMS" --splits cr_test \
  --cache "models/.cache/evo/predictions/$BASE/histories-cache" --predictions "models/.cache/evo/predictions/$BASE/histories" \
  --results-md models/base/histories/EVO.md --results-json models/base/histories/evo.json "${extra[@]}"
