#!/usr/bin/env bash
# What `npm test` needs besides `npm ci`: Debian's Chromium, git, and Python with the pipeline's packages. On a
# fresh machine the test run used to stop halfway (no pytest, no Chromium) with a bare error; this says at the
# start exactly what is missing and the one command that installs it.
set -uo pipefail
cd "$(dirname "$0")/.."
missing=()
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] || missing+=("Chromium at $chromium (Debian package chromium, or set CHROMIUM_PATH)")
command -v git >/dev/null 2>&1 || missing+=("git")
if [ -x /usr/bin/python3 ]; then
  for module in pytest torch numpy onnx regex yaml; do
    /usr/bin/python3 -c "import $module" >/dev/null 2>&1 || missing+=("the Python module $module (/usr/bin/python3)")
  done
else
  missing+=("/usr/bin/python3")
fi
[ -d node_modules/vitest ] || missing+=("the npm packages (run: npm ci)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "npm test cannot run on this machine yet; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo >&2
  echo "Install everything it needs (Debian, as root), then run the tests:" >&2
  echo "  apt-get install -y --no-install-recommends $(paste -sd' ' .ci/debian-packages)" >&2
  echo "  npm ci && npm test" >&2
  echo "or do all of that in one go: sudo bash .ci/run" >&2
  exit 1
fi
