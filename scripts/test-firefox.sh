#!/usr/bin/env bash
# Runs the Firefox tests (test/firefox/) inside a network namespace of their own that has only loopback (and the
# pal0/pal1 veth the tests create in it): there Firefox gathers ICE candidates on 127.x only, and nothing can
# leave the machine. A virtual display (Xvfb) runs beside them: headless Firefox cannot share a screen. Needs
# root (ip netns). Extra arguments go to vitest (e.g. a file name).
set -euo pipefail
cd "$(dirname "$0")/.."
ns="palabre-ff-$$"
xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
# Xvfb picks a free display and writes its number to the file descriptor it is given.
display_file=$(mktemp)
ip netns exec "$ns" Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$display_file" 2>/dev/null &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -s "$display_file" ] && break; sleep 0.1; done
display=$(tr -d '[:space:]' <"$display_file")
rm -f "$display_file"
if [ -z "$display" ]; then echo "Xvfb did not start" >&2; exit 1; fi
DISPLAY=":$display" ip netns exec "$ns" npx vitest run --config vitest.firefox.config.ts "$@"
