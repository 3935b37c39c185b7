#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) from npm into
# $1 (default .cache/code-server), offline apart from the npm registry. Recipe and the reasons for
# each workaround: shared notes "vscode-in-ci.md" §2. Idempotent: does nothing when already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.100.3
CS_DIR=$(realpath -m "${1:-.cache/code-server}")
BIN="$CS_DIR/node_modules/.bin/code-server"
if [ -x "$BIN" ] && [ "$(cat "$CS_DIR/.version" 2>/dev/null)" = "$VERSION" ]; then exit 0; fi
command -v rg >/dev/null || { echo "install-code-server: ripgrep is missing (apt-get install -y ripgrep)" >&2; exit 1; }
mkdir -p "$CS_DIR"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache holds the archive: seed it
# with Debian's ripgrep (same major version as the pinned v13.0.0-10).
RG_TMP=$(mktemp -d)
trap 'rm -rf "$RG_TMP"' EXIT
mkdir -p "$RG_TMP/vscode-ripgrep-cache-1.15.11"
tar czf "$RG_TMP/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
cd "$CS_DIR"
[ -f package.json ] || npm init -y >/dev/null
npm pkg set allowScripts.code-server=true allowScripts.argon2=true --json
# code-server's postinstall refuses root without unsafe-perm; node-pty's postinstall runs npx (needs yes).
TMPDIR="$RG_TMP" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION"
echo "$VERSION" > .version
echo "install-code-server: code-server $VERSION installed in $CS_DIR"
