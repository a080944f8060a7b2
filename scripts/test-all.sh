#!/usr/bin/env bash
# Every test of the project: types, units (TypeScript and Python), then end-to-end in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
npx vitest run
if compgen -G "models/**/test_*.py" >/dev/null || find models -name 'test_*.py' | grep -q .; then
  /usr/bin/python3 -m pytest -q models
fi
node --import tsx e2e/run.ts
