#!/usr/bin/env bash
# Prepares a fresh clone: system packages (as root on Debian/Ubuntu), npm dependencies, the build.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(grep -v '^\s*#' scripts/system-packages.txt | grep -v '^\s*$' | tr '\n' ' ')
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: MISSING system packages:$missing" >&2
    echo "setup: install them with: sudo apt-get install -y$missing" >&2
    [ "${DOCKWRIGHT_ALLOW_MISSING:-}" = 1 ] || exit 1
  fi
fi

# RUN steps' network (slirp4netns) opens /dev/net/tun, rootless as the daemon's user: on a standard
# Debian udev makes it 0666 (50-udev-default.rules); machines without udev leave the kernel's 0600,
# and a container's minimal /dev may not have the node at all (10:200 is the kernel's tun device).
if [ "$(id -u)" = 0 ] && [ ! -e /dev/net/tun ]; then
  mkdir -p /dev/net && mknod -m 0666 /dev/net/tun c 10 200 || echo "setup: could not make /dev/net/tun: RUN's default network (slirp4netns) will fail" >&2
fi
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
  chmod 0666 /dev/net/tun
fi

# npm dependencies: reinstall when package-lock.json changed since the last install.
stamp=node_modules/.dockwright-lock-hash
hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$hash" > "$stamp"
fi

npm run -s build
