/**
 * The production set-up's files, from one description of the instance: the TLS front's Caddyfile, coturn's
 * configuration, Palabre's environment file and its systemd unit. `setup.sh --domain` writes them for a real
 * server (scripts/deploy/cli.ts); the deployment test (test/e2e/deploy.test.ts) writes them with test addresses and runs
 * Caddy and coturn on them, so what is tested is what an operator gets. Pure: no I/O here.
 */

export interface Instance {
  /** The name browsers open (https://<domain>/); an IP address in tests. */
  domain: string;
  /** The address browsers reach Janus and coturn on (JANUS_PUBLIC_IP, coturn's listening and relay address). */
  publicIp: string;
  /** When the machine sits behind 1:1 NAT: its own address that the public one maps to. */
  privateIp?: string;
  /** Where Palabre itself listens, behind the front (loopback). */
  palabre: { host: string; port: number };
  /** Janus's UDP range. */
  rtpPorts: [number, number];
  /**
   * The front's certificate: "acme" (Let's Encrypt/ZeroSSL, the default on a real server), "internal"
   * (Caddy's own CA: a test, or a closed network), or PEM files.
   */
  certificate: "acme" | "internal" | { cert: string; key: string };
  /** The front's address and port: all addresses on 443 unless given (tests use loopback and a free port). */
  front?: { bind: string; port: number };
  turn: {
    secret: string;
    /**
     * TURN over TLS. Without an address of its own, on 5349 of publicIp (Caddy holds 443 there); with one
     * (`own`), on 443 of that address, which serves networks that let nothing but 443 out.
     */
    tls: { port: number; cert: string; key: string } | null;
    /**
     * An address for coturn alone: it listens there and nowhere else (UDP/TCP and TLS), and the front keeps
     * the main address. `host` is the name in turns: URLs, which its certificate covers (Caddy obtains it).
     */
    own?: { ip: string; privateIp?: string; host: string };
    listeningPort: number;
    relayPorts: [number, number];
    /** Where coturn keeps its pid file and (unused) user database; Debian's defaults on a real server. */
    pidFile?: string;
    userDb?: string;
    /** One line per allocation, for tests; off in production (a TURN log is a list of who connected from where). */
    verbose?: boolean;
  };
  /** Serve /metrics through the front too (METRICS_PUBLIC=1). */
  metricsPublic?: boolean;
}

/** The TURN/STUN URLs participants are given (ICE_SERVERS). */
export function iceUrls(i: Instance): string[] {
  const { own, listeningPort, tls } = i.turn;
  const address = own?.ip ?? i.publicIp;
  const urls = [
    `turn:${address}:${listeningPort}?transport=udp`,
    `turn:${address}:${listeningPort}?transport=tcp`,
  ];
  // turns: is checked against the certificate, so it names a host that resolves to the TLS address.
  if (tls) urls.push(`turns:${own?.host ?? i.domain}:${tls.port}?transport=tcp`);
  return urls;
}

/** The front's listening address: all of them, unless coturn has an address of its own (or a test says). */
function frontBind(i: Instance): string | undefined {
  return i.front?.bind ?? (i.turn.own ? (i.privateIp ?? i.publicIp) : undefined);
}

/**
 * With an address of its own, coturn's name needs a certificate. Caddy obtains it (a site that serves nothing)
 * by the HTTP challenge, which the ACME CA sends to port 80 of coturn's address: Caddy answers there (every
 * Caddy server answers challenges); the TLS-ALPN challenge would reach coturn on 443, so it is off.
 */
function turnNameSites(i: Instance): string[] {
  const own = i.turn.own;
  if (!own || i.certificate !== "acme") return [];
  return [
    `${own.host} {`,
    `	bind ${frontBind(i)}`,
    "	tls {",
    "		issuer acme {",
    "			disable_tlsalpn_challenge",
    "		}",
    "	}",
    "	respond 404",
    "}",
    "",
    `http://${own.host} {`,
    `	bind ${own.privateIp ?? own.ip}`,
    "	respond 404",
    "}",
    "",
  ];
}

export function caddyfile(i: Instance): string {
  const site = i.front ? `https://${i.domain}:${i.front.port}` : i.domain;
  const tls =
    i.certificate === "acme"
      ? []
      : [`\ttls ${i.certificate === "internal" ? "internal" : `${i.certificate.cert} ${i.certificate.key}`}`];
  return [
    "# Written by Palabre's setup (scripts/deploy/render.ts); re-running the setup rewrites it.",
    "{",
    // The admin API would listen on localhost:2019: nothing on the machine needs to reconfigure Caddy live.
    "\tadmin off",
    ...(i.certificate === "acme" ? [] : ["\tskip_install_trust"]),
    // No HTTP/3: its UDP listener would be one more port to open, for nothing the meeting needs.
    "\tservers {",
    "\t\tprotocols h1 h2",
    "\t}",
    ...(i.front ? ["\tauto_https disable_redirects"] : []),
    "}",
    "",
    `${site} {`,
    ...(frontBind(i) ? [`\tbind ${frontBind(i)}`] : []),
    ...tls,
    '\theader Strict-Transport-Security "max-age=31536000"',
    // Caddy writes no access log unless told to: no visitor's address is kept.
    ...(i.metricsPublic ? [] : ["\t@metrics path /metrics", "\trespond @metrics 404"]),
    `\treverse_proxy ${i.palabre.host}:${i.palabre.port}`,
    "}",
    "",
    ...turnNameSites(i),
  ].join("\n");
}

export function turnserverConf(i: Instance): string {
  const t = i.turn;
  const lines = [
    "# Written by Palabre's setup (scripts/deploy/render.ts); re-running the setup rewrites it.",
    // Only there: with an address of its own, 443 of the main address is the front's.
    `listening-ip=${t.own ? (t.own.privateIp ?? t.own.ip) : (i.privateIp ?? i.publicIp)}`,
    `relay-ip=${i.privateIp ?? i.publicIp}`,
    ...(i.privateIp ? [`external-ip=${i.publicIp}/${i.privateIp}`] : []),
    `listening-port=${t.listeningPort}`,
    ...(t.tls ? [`tls-listening-port=${t.tls.port}`, `cert=${t.tls.cert}`, `pkey=${t.tls.key}`] : ["no-tls"]),
    "no-dtls",
    `min-port=${t.relayPorts[0]}`,
    `max-port=${t.relayPorts[1]}`,
    `realm=${i.domain}`,
    // Credentials our server issues per join (TURN REST scheme): nothing to keep in a user database.
    "use-auth-secret",
    `static-auth-secret=${t.secret}`,
    "fingerprint",
    // Not an open relay: peers may only be our Janus. Everything else, private ranges and loopback included,
    // is refused (allowed-peer-ip wins over denied-peer-ip; loopback is refused before either is read).
    "denied-peer-ip=0.0.0.0-255.255.255.255",
    "denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    // Behind NAT, Janus announces the public address (nat_1_1_mapping): relaying there needs the provider's
    // NAT to loop back (most clouds' do); its own address is allowed too.
    ...[...new Set([i.publicIp, i.privateIp ?? i.publicIp])].map((ip) => `allowed-peer-ip=${ip}`),
    "no-multicast-peers",
    "no-tcp-relay",
    // Quotas: a participant needs two allocations (publish and subscribe), a few more while reconnecting.
    "user-quota=8",
    "total-quota=2000",
    "max-bps=3000000",
    "stale-nonce=600",
    "no-cli",
    "no-rfc5780",
    "no-stun-backward-compatibility",
    "no-software-attribute",
    ...(t.pidFile ? [`pidfile=${t.pidFile}`] : []),
    ...(t.userDb ? [`userdb=${t.userDb}`] : []),
    ...(t.verbose ? ["log-file=stdout", "simple-log", "verbose"] : ["no-stdout-log", "log-file=/dev/null"]),
    "",
  ];
  return lines.join("\n");
}

/** Palabre's environment (EnvironmentFile of the unit): holds the TURN secret, so root-only (0600). */
export function envFile(i: Instance): string {
  const vars: Record<string, string> = {
    HOST: i.palabre.host,
    PORT: String(i.palabre.port),
    JANUS_PUBLIC_IP: i.publicIp,
    // Candidates on the server's own address only (not a container bridge's or a VPN's).
    JANUS_ICE_INTERFACE: i.privateIp ?? i.publicIp,
    JANUS_RTP_PORTS: `${i.rtpPorts[0]}-${i.rtpPorts[1]}`,
    ICE_SERVERS: iceUrls(i).join(","),
    TURN_SECRET: i.turn.secret,
    // The front is the only peer: its X-Forwarded-For names the participant (the per-address limits).
    TRUSTED_PROXIES: i.palabre.host,
    ...(i.metricsPublic ? { METRICS_PUBLIC: "1" } : {}),
  };
  return [
    '# Written by Palabre\'s setup (scripts/deploy/render.ts). README "Configuration" lists every variable.',
    ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
    "",
  ].join("\n");
}

/**
 * The systemd unit. Palabre and its Janus run as a user systemd makes up for them (DynamicUser: nothing to
 * create or remove, no file of theirs survives), see nothing of the machine but what they need, and write
 * nowhere but their private /tmp (Janus's configuration and secrets, gone with the service).
 */
export function unitFile(appDir: string, envPath: string): string {
  return `# Written by Palabre's setup (scripts/deploy/render.ts); re-running the setup rewrites it.
[Unit]
Description=Palabre video meetings
Documentation=file://${appDir}/README.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${appDir}
EnvironmentFile=${envPath}
Environment=NODE_ENV=production TSX_DISABLE_CACHE=1
ExecStart=/usr/bin/node --import tsx src/server/main.ts
Restart=on-failure
RestartSec=2
DynamicUser=yes
UMask=0077
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
PrivateIPC=yes
ProtectHostname=yes
ProtectClock=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM
DevicePolicy=closed
KeyringMode=private
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

/**
 * coturn's TLS certificate is the front's: Caddy gets and renews it, a timer copies it where coturn (its own
 * user) may read it and restarts coturn when it changed (about every 60 days; relayed calls reconnect).
 */
export function turnCertUnits(appDir: string, domain: string): { service: string; timer: string } {
  return {
    service: `# Written by Palabre's setup (scripts/deploy/render.ts).
[Unit]
Description=Palabre: give coturn the TLS certificate Caddy obtained for ${domain}
After=caddy.service

[Service]
Type=oneshot
ExecStart=/bin/bash ${appDir}/scripts/deploy/turn-cert.sh ${domain}
`,
    timer: `# Written by Palabre's setup (scripts/deploy/render.ts).
[Unit]
Description=Palabre: check Caddy's certificate for coturn hourly

[Timer]
OnBootSec=1min
OnUnitActiveSec=1h

[Install]
WantedBy=timers.target
`,
  };
}
