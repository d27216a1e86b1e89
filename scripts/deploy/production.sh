# The production set-up of `setup.sh --domain` and `--uninstall` (sourced by setup.sh, which has checked it
# runs as root). The files themselves come from scripts/deploy/render.ts through cli.ts; this installs them,
# opens the firewall where one is active, and starts the services.

state_dir=/var/lib/palabre-setup

systemd_up() { [ -d /run/systemd/system ]; }

# ProtectHome=yes hides /home and /root from the service: the code must live elsewhere (e.g. /opt/palabre).
check_app_dir() {
  case "$1" in
    /root | /root/* | /home | /home/*)
      echo "Palabre's service cannot read $1 (its home folders are hidden from it): clone it to /opt/palabre" >&2
      echo "and run the set-up from there." >&2
      exit 1
      ;;
  esac
}

# Packages this set-up adds (not there before it): --uninstall removes those, and only those.
note_packages_we_add() {
  mkdir -p "$state_dir"
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
      grep -qx "$pkg" "$state_dir/packages" 2>/dev/null || echo "$pkg" >>"$state_dir/packages"
    fi
  done
}

# The address browsers reach this machine on: the source address of the default route (asking the kernel
# which address it would use sends nothing anywhere). Behind NAT that is a private one: --public-ip is needed.
default_address() {
  ip -4 -o route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p'
}

is_private() {
  case "$1" in
    10.* | 192.168.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].* | 100.6[4-9].* | 100.[7-9][0-9].* | 100.1[01][0-9].* | 100.12[0-7].*) return 0 ;;
    *) return 1 ;;
  esac
}

# Keeps a package's own configuration file once, to put it back on --uninstall.
keep_original() {
  if [ -f "$1" ] && [ ! -f "$state_dir/originals/$1" ]; then
    mkdir -p "$state_dir/originals$(dirname "$1")"
    cp -a "$1" "$state_dir/originals/$1"
  fi
}

# $1: the TURN over TLS port (5349 beside the front, or 443 on coturn's own address, already open for HTTPS).
open_firewall() {
  local rtp="20000:40000" relay="49160:49999" tls="$1"
  local tcp_ports="80/tcp 443/tcp 3478/tcp" listed="80, 443, 3478"
  [ "$tls" = 443 ] || { tcp_ports="$tcp_ports $tls/tcp"; listed="$listed, $tls"; }
  if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q "Status: active"; then
    for p in $tcp_ports 3478/udp "$rtp/udp" "$relay/udp"; do ufw allow "$p" >/dev/null; done
    echo "ufw: opened $listed and the media ranges"
  elif command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then
    for p in $tcp_ports 3478/udp 20000-40000/udp 49160-49999/udp; do
      firewall-cmd --permanent --add-port="$p" >/dev/null
    done
    firewall-cmd --reload >/dev/null
    echo "firewalld: opened $listed and the media ranges"
  else
    echo "No active firewall found (ufw, firewalld). If one filters this machine, open: TCP 80 and 443"
    echo "(HTTPS), TCP+UDP 3478 and TCP $tls (TURN), UDP 20000-40000 (Janus) and 49160-49999 (TURN relays)."
  fi
}

install_production() {
  local app_dir="$1" domain="$2"
  shift 2
  local args=("$@") public_ip="" turns_port=5349
  for ((i = 0; i < ${#args[@]}; i++)); do
    [ "${args[$i]}" = "--public-ip" ] && public_ip="${args[$((i + 1))]}"
    [ "${args[$i]}" = "--turn-ip" ] && turns_port=443
  done
  if [ -z "$public_ip" ]; then
    public_ip=$(default_address)
    if [ -z "$public_ip" ]; then
      echo "Cannot find this machine's address: give it with --public-ip" >&2
      exit 1
    fi
    if is_private "$public_ip"; then
      echo "This machine's address $public_ip is private (behind NAT?). Give the public one with" >&2
      echo "--public-ip, and this one with --private-ip." >&2
      exit 1
    fi
    args+=(--public-ip "$public_ip")
  fi
  keep_original /etc/caddy/Caddyfile
  keep_original /etc/turnserver.conf
  local changed
  changed=$(node --import tsx "$app_dir/scripts/deploy/cli.ts" --domain "$domain" --app-dir "$app_dir" "${args[@]}")
  # coturn (user turnserver) reads its configuration, which holds the TURN secret; nobody else does.
  chgrp turnserver /etc/turnserver.conf
  install -d -m 0750 -g turnserver /etc/palabre/turn
  [ -n "$changed" ] && echo "$changed"
  open_firewall "$turns_port"
  if ! systemd_up; then
    echo "systemd is not running here: the files are written; start palabre, caddy and coturn at the next boot."
    return 0
  fi
  systemctl daemon-reload
  systemctl unmask caddy.service coturn.service >/dev/null 2>&1 || true
  systemctl enable --now palabre.service caddy.service coturn.service palabre-turn-cert.timer >/dev/null
  # Restart what reads a file that changed (a first run changes everything; a second one nothing).
  case "$changed" in *palabre.service* | *palabre.env*) systemctl restart palabre.service ;; esac
  case "$changed" in *Caddyfile*) systemctl restart caddy.service ;; esac
  case "$changed" in *turnserver.conf*) systemctl restart coturn.service ;; esac
  systemctl start palabre-turn-cert.service || true
  echo "Palabre runs on https://$domain/ (certificate from Let's Encrypt once $domain points at $public_ip)."
  echo "Check it with: npm run doctor -- https://$domain"
}

uninstall_production() {
  if systemd_up; then
    systemctl disable --now palabre.service palabre-turn-cert.timer >/dev/null 2>&1 || true
  fi
  rm -f /etc/systemd/system/palabre.service /etc/systemd/system/palabre-turn-cert.service \
    /etc/systemd/system/palabre-turn-cert.timer
  rm -rf /etc/palabre
  for f in /etc/caddy/Caddyfile /etc/turnserver.conf; do
    if [ -f "$state_dir/originals/$f" ]; then cp -a "$state_dir/originals/$f" "$f"; fi
  done
  if [ -s "$state_dir/packages" ]; then
    mapfile -t added <"$state_dir/packages"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${added[@]}" >/dev/null || true
    echo "removed packages: ${added[*]}"
  elif systemd_up; then
    systemctl restart caddy.service coturn.service >/dev/null 2>&1 || true
  fi
  rm -rf "$state_dir"
  if systemd_up; then systemctl daemon-reload; fi
  echo "Palabre's production set-up is removed (firewall rules, if any were added, are left: ufw status)."
}
