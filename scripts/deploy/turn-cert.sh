#!/usr/bin/env bash
# Copies the certificate Caddy obtained for the domain ($1) to /etc/palabre/turn, readable by coturn's group,
# and restarts coturn when it changed (run by palabre-turn-cert.timer; see scripts/deploy/render.ts).
set -euo pipefail
domain="$1"
store=/var/lib/caddy/.local/share/caddy/certificates
# The newest of the issuers' copies (Let's Encrypt, ZeroSSL), if Caddy has one yet.
crt=$(ls -t "$store"/*/"$domain"/"$domain".crt 2>/dev/null | head -n 1 || true)
[ -n "$crt" ] || exit 0
key="${crt%.crt}.key"
dest=/etc/palabre/turn
install -d -m 0750 -g turnserver "$dest"
if ! cmp -s "$crt" "$dest/cert.pem" || ! cmp -s "$key" "$dest/key.pem"; then
  install -m 0640 -g turnserver "$crt" "$dest/cert.pem"
  install -m 0640 -g turnserver "$key" "$dest/key.pem"
  systemctl try-restart coturn.service
fi
