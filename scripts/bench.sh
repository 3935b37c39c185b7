#!/usr/bin/env bash
# `npm run bench`: every benchmark in bench/, side by side with the peers; results go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for b in bench/*.bench.ts; do
  [ -e "$b" ] || continue
  echo "== $b"
  npx tsx "$b"
done
