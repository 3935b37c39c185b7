#!/usr/bin/env bash
# `npm run package`: bundles with esbuild and packs a small .vsix (only dist/*.js, syntaxes, resources,
# package.json and README — see .vscodeignore). Prints the .vsix path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs >/dev/null
out="dockwright-$(node -p 'require("./package.json").version').vsix"
# --no-dependencies: everything is bundled, and vsce would otherwise run `npm list --production`.
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository --out "$out" >&2
echo "$(pwd)/$out"
