#!/usr/bin/env bash
# Installs what Palabre needs on a Debian/Ubuntu machine (run as root): Janus from apt, npm dependencies,
# the client build. With --test, also the browsers and tools the test suite uses.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh installs system packages: run it as root (or: sudo bash scripts/setup.sh)" >&2
  exit 1
fi

packages=(janus iproute2 ca-certificates)
[ "$want_tests" = 1 ] && packages+=(chromium)
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"

# The janus package enables a system service running the stock configuration (well-known admin secret, HTTP
# API on every interface). Palabre runs its own Janus as a child process: the stock one must not run.
if [ -d /run/systemd/system ]; then
  systemctl disable --now janus.service >/dev/null 2>&1 || true
  systemctl mask janus.service >/dev/null 2>&1 || true
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Palabre needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

npm ci --no-audit --no-fund
npx vite build --logLevel warn
echo "Palabre is set up. Start it with: npm start  (then open http://localhost:8080)"
