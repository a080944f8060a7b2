#!/usr/bin/env bash
# public/models/encoder.onnx, made from the committed lm.onnx (models/export/encoder_from_lm.py): committing both
# stored the 5.3M LM's weights twice. Kept when its sha256 is the manifest's; otherwise made with /usr/bin/python3,
# torch and onnx, and this says what to install when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
current=$(node -e '
const { createHash } = require("node:crypto");
const { existsSync, readFileSync } = require("node:fs");
const entry = JSON.parse(readFileSync("public/models/manifest.json", "utf8")).files.encoder;
const path = "public/models/" + entry.path;
const ok = existsSync(path) && createHash("sha256").update(readFileSync(path)).digest("hex") === entry.sha256;
process.stdout.write(ok ? "yes" : "no");')
[ "$current" = yes ] && exit 0
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c "import torch, onnx" >/dev/null 2>&1; then
  echo "public/models/encoder.onnx is made from lm.onnx with /usr/bin/python3, torch and onnx; this machine lacks them." >&2
  echo "Install them (Debian, as root): apt-get install -y --no-install-recommends python3-torch python3-onnx" >&2
  exit 1
fi
PYTHONPATH=. exec /usr/bin/python3 -m models.export.encoder_from_lm
