#!/usr/bin/env bash
# `npm start`: on a fresh Linux machine, prepares everything and opens Dockwright in a real VS Code
# (code-server 4.100.3 in the browser, 127.0.0.1 only): system packages + npm deps + build (setup.sh),
# code-server (installed once into .cache/code-server), the packaged extension, the bundled engine
# seeded offline with busybox:latest, and a sample workspace with a Dockerfile. Keeps running until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/setup.sh
bash scripts/install-code-server.sh "$ROOT/.cache/code-server"
VSIX=$(bash scripts/package.sh 2>/dev/null | tail -1)

STATE="$ROOT/.cache/start"
export HOME="$STATE/home" XDG_CONFIG_HOME="$STATE/home/.config" XDG_DATA_HOME="$STATE/home/.local/share" XDG_CACHE_HOME="$STATE/home/.cache"
# The extension and this script use the same private bundled-engine socket and data root.
export DOCKWRIGHT_ENGINE_SOCKET="$STATE/engine/engine.sock" DOCKWRIGHT_DATA_ROOT="$STATE/engine/data"
mkdir -p "$HOME" "$STATE/udd/User" "$STATE/extensions" "$STATE/engine"
CS="$ROOT/.cache/code-server/node_modules/.bin/code-server"
CS_ARGS=(--user-data-dir "$STATE/udd" --extensions-dir "$STATE/extensions")
[ -f "$STATE/udd/User/settings.json" ] || cat > "$STATE/udd/User/settings.json" <<'JSON'
{ "telemetry.telemetryLevel": "off", "workbench.startupEditor": "none", "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "update.mode": "none", "chat.disableAIFeatures": true,
  "git.openRepositoryInParentFolders": "never", "dockwright.engine": "bundled" }
JSON
"$CS" "${CS_ARGS[@]}" --force --install-extension "$VSIX" >/dev/null

# The bundled engine, as the extension would start it (the extension reuses it: same version, same socket).
ENGINE_PID=""
if ! curl -sf --unix-socket "$DOCKWRIGHT_ENGINE_SOCKET" http://engine/_ping >/dev/null 2>&1; then
  setsid node dist/engine.js -H "unix://$DOCKWRIGHT_ENGINE_SOCKET" --data-root "$DOCKWRIGHT_DATA_ROOT" >>"$STATE/engine/engine.log" 2>&1 </dev/null &
  ENGINE_PID=$!
  for _ in $(seq 100); do curl -sf --unix-socket "$DOCKWRIGHT_ENGINE_SOCKET" http://engine/_ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
npx --no-install tsx scripts/seed-engine.ts "unix://$DOCKWRIGHT_ENGINE_SOCKET"

WS="$STATE/sample-workspace"
if [ ! -f "$WS/Dockerfile" ]; then
  mkdir -p "$WS/site"
  cat > "$WS/Dockerfile" <<'DOCKERFILE'
# Right-click this file → Build Image, then Run it from the Images view and open its logs.
FROM busybox:latest
WORKDIR /srv
COPY site/ ./
EXPOSE 8080
CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/srv"]
DOCKERFILE
  printf 'site/*.tmp\n' > "$WS/.dockerignore"
  printf '<h1>Hello from Dockwright</h1>\n' > "$WS/site/index.html"
fi

PORT=${DOCKWRIGHT_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
echo
echo "Dockwright is ready: http://127.0.0.1:$PORT/?folder=$WS"
echo "(code-server $("$CS" --version 2>/dev/null | head -1 | cut -d' ' -f1), bundled engine on $DOCKWRIGHT_ENGINE_SOCKET; Ctrl+C stops both)"
# code-server in its own process group: stopping the group takes its extension hosts and terminals too.
setsid "$CS" "${CS_ARGS[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$WS" >"$STATE/code-server.log" 2>&1 </dev/null &
CS_PID=$!
cleanup() {
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  if [ -n "$ENGINE_PID" ]; then kill -TERM "$ENGINE_PID" 2>/dev/null || true; fi
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT
wait "$CS_PID"
