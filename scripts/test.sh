#!/usr/bin/env bash
# `npm test`: set everything up on a fresh machine, then run the whole mocha suite
# (or only the files given as arguments).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -eq 0 ]; then
  set -- 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts'
fi
exec npx mocha "$@"
