#!/usr/bin/env bash
# Installs what Palabre needs on a Debian/Ubuntu machine (run as root): Janus from apt, npm dependencies,
# the client build. With --test, also the browsers and tools the test suite uses.
set -euo pipefail

systemd_running() { [ -d /run/systemd/system ]; }

# The janus package enables a system service running the stock configuration (well-known admin secret, HTTP
# API on every interface). Palabre runs its own Janus as a child process: the stock one must never start.
# Disabling and masking only write links under /etc, so they work without a running systemd (a container, a
# chroot, an image being built): the service would otherwise start at that machine's next boot. Only stopping
# it needs systemd up.
mask_stock_janus() {
  if command -v systemctl >/dev/null 2>&1; then
    if systemd_running; then systemctl stop janus.service >/dev/null 2>&1 || true; fi
    systemctl disable janus.service >/dev/null 2>&1 || true
    if ! systemctl mask janus.service >/dev/null; then
      echo "warning: could not mask janus.service: the stock Janus may start at boot with its stock secrets" >&2
    fi
  elif command -v update-rc.d >/dev/null 2>&1; then
    # No systemd at all: the package's SysV script is what a boot would start.
    update-rc.d janus disable >/dev/null 2>&1 || true
  fi
}

# redis-server (installed for the cluster tests, README "Many machines") enables a service too: a Redis the
# operator did not ask for, writing snapshots to /var/lib/redis. The tests start their own, with persistence
# off and a password; the stock one must not run.
mask_stock_redis() {
  if command -v systemctl >/dev/null 2>&1; then
    if systemd_running; then systemctl stop redis-server.service >/dev/null 2>&1 || true; fi
    systemctl disable redis-server.service >/dev/null 2>&1 || true
    systemctl mask redis-server.service >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d redis-server disable >/dev/null 2>&1 || true
  fi
  # Without systemd, the package's postinst may have started it with the stock configuration.
  if [ -f /etc/init.d/redis-server ] && ! systemd_running; then /etc/init.d/redis-server stop >/dev/null 2>&1 || true; fi
}

# caddy and coturn (installed for the deployment tests) enable services too: Debian's Caddy serves its welcome
# page on :80, coturn relays for anyone on every address. The tests start their own; these must not run.
mask_stock_front() {
  for unit in caddy.service coturn.service; do
    if command -v systemctl >/dev/null 2>&1; then
      if systemd_running; then systemctl stop "$unit" >/dev/null 2>&1 || true; fi
      systemctl disable "$unit" >/dev/null 2>&1 || true
      systemctl mask "$unit" >/dev/null 2>&1 || true
    fi
  done
  if ! systemd_running; then
    for init in caddy coturn; do
      [ -f "/etc/init.d/$init" ] && "/etc/init.d/$init" stop >/dev/null 2>&1 || true
    done
  fi
}

# Sourced (by the tests, to run mask_stock_janus against a fake systemctl): define the functions, do nothing
# more. `return` succeeds only in a sourced file.
if (return 0 2>/dev/null); then return 0; fi

cd "$(dirname "$0")/.."
app_dir=$(pwd)

usage() {
  cat >&2 <<'USAGE'
Usage: bash scripts/setup.sh                  Janus, npm dependencies, the client build (npm start runs it)
       bash scripts/setup.sh --test           the same, plus what the test suite needs
       bash scripts/setup.sh --domain NAME [--public-ip IP] [--private-ip IP] [--metrics-public]
                             [--turn-ip IP [--turn-private-ip IP] [--turn-host NAME]]
                                              a production server: Palabre as a systemd service behind Caddy
                                              (HTTPS, automatic certificates) with coturn (TURN); README "On a server"
       bash scripts/setup.sh --uninstall      removes what --domain set up
USAGE
  exit 2
}

want_tests=0
domain=""
uninstall=0
cli_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --test) want_tests=1 ;;
    --domain) domain="${2:-}"; [ -n "$domain" ] || usage; shift ;;
    --public-ip | --private-ip | --turn-ip | --turn-private-ip | --turn-host)
      [ -n "${2:-}" ] || usage; cli_args+=("$1" "$2"); shift ;;
    --metrics-public) cli_args+=("$1") ;;
    --uninstall) uninstall=1 ;;
    *) usage ;;
  esac
  shift
done

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh installs system packages: run it as root (or: sudo bash scripts/setup.sh)" >&2
  exit 1
fi

if [ "$uninstall" = 1 ]; then
  # shellcheck source=scripts/deploy/production.sh
  source scripts/deploy/production.sh
  uninstall_production
  exit 0
fi

# util-linux (essential on Debian, listed for other bases) has setpriv, with which Janus dies with the server.
packages=(janus iproute2 ca-certificates util-linux)
# The tests: Chromium, Firefox ESR on a virtual display (screen sharing), Redis (the cluster tests), the
# production front (Caddy, coturn, nftables for the blocked networks, certutil for the test CA), and a voice in
# a noisy room for the noise suppression's test (espeak-ng speaks it, sox mixes the noise in).
[ "$want_tests" = 1 ] &&
  packages+=(chromium firefox-esr xvfb redis-server caddy coturn nftables libnss3-tools espeak-ng sox)
[ -n "$domain" ] && packages+=(caddy coturn)
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

if [ -n "$domain" ]; then
  # shellcheck source=scripts/deploy/production.sh
  source scripts/deploy/production.sh
  check_app_dir "$app_dir"
  note_packages_we_add caddy coturn
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"

mask_stock_janus
[ "$want_tests" = 1 ] && mask_stock_redis
# The tests start their own Caddy and coturn with the files the production set-up writes; the stock services
# (Debian's Caddy serves a page on :80, coturn listens on every address) must not run on a test machine.
[ "$want_tests" = 1 ] && [ -z "$domain" ] && mask_stock_front

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Palabre needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

npm ci --no-audit --no-fund
npx vite build --logLevel warn

if [ -n "$domain" ]; then
  install_production "$app_dir" "$domain" "${cli_args[@]}"
  exit 0
fi
echo "Palabre is set up. Start it with: npm start  (then open http://localhost:8080)"
