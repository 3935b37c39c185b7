#!/usr/bin/env bash
# `npm start`: build, then explain how to use the language server from any LSP client.
# (The extension issue replaces this with: install code-server, open a real VS Code.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cat <<MSG

Dockwright language server built: $(pwd)/dist/server.js
Run it from any LSP client over stdio:
  node $(pwd)/dist/server.js --stdio
See README.md ("Using the language server in other editors") for Neovim, Helix and Zed.
MSG
