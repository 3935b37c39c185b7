#!/usr/bin/env bash
# `npm test`: set everything up on a fresh machine, then run the whole mocha suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx mocha "$@"
