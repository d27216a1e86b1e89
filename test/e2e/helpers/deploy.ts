/**
 * The deployment test's parts (deploy.test.ts), around the files scripts/deploy/render.ts writes: a throwaway
 * test CA whose one leaf serves both the TLS front (Caddy) and TURN over TLS (coturn), the NSS database through
 * which a Chromium trusts that CA and nothing else of ours, Caddy and coturn run in the foreground from the
 * rendered files (stopped by pid), HTTPS reads that trust only the test CA, and a teardown list that runs every
 * step even when one fails. Imports nothing from vitest.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { resultsDir } from "../../helpers/paths.js";
import { sleep, waitFor } from "../../helpers/wait.js";

export interface TestPki {
  /** The CA's certificate: the only thing the browsers and the probes trust. */
  caCert: string;
  caPem: string;
  /** The leaf (SAN: the given IP addresses) and its key: Caddy's and coturn's certificate. */
  cert: string;
  key: string;
}

/** A CA valid 2 days, and a leaf it signs for `ips` (serverAuth, SAN IP entries), in `dir`. */
export function makeTestPki(dir: string, ips: string[]): TestPki {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=Palabre deploy test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  openssl("req", "-new", ...ec, "-keyout", f("leaf.key"), "-out", f("leaf.csr"), "-subj", "/CN=palabre-test");
  fs.writeFileSync(
    f("leaf.ext"),
    [
      `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl(
    "x509",
    "-req",
    "-in",
    f("leaf.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("leaf.crt"),
    "-days",
    "2",
    "-extfile",
    f("leaf.ext"),
  );
  return {
    caCert: f("ca.crt"),
    caPem: fs.readFileSync(f("ca.crt"), "utf8"),
    cert: f("leaf.crt"),
    key: f("leaf.key"),
  };
}

/**
 * A HOME for a Chromium process whose NSS database ($HOME/.pki/nssdb, the only one Chromium on Linux reads)
 * trusts `caCert` as a CA for servers (`C,,`).
 */
export function trustingHome(home: string, caCert: string): string {
  const db = path.join(home, ".pki", "nssdb");
  fs.mkdirSync(db, { recursive: true });
  const certutil = (...args: string[]) =>
    execFileSync("certutil", ["-d", `sql:${db}`, ...args], { stdio: "pipe" });
  certutil("-N", "--empty-password");
  certutil("-A", "-t", "C,,", "-n", "palabre-deploy-test", "-i", caCert);
  return home;
}

const daemons = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A foreground program of the test (caddy, turnserver): its output kept and logged, stopped by pid. */
export class Daemon {
  readonly lines: string[] = [];
  readonly logFile: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv = process.env,
  ) {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // If the test process dies with them up, they go with it.
      process.on("exit", () => {
        for (const child of daemons) child.kill("SIGKILL");
      });
    }
    this.logFile = path.join(resultsDir("logs"), `deploy-${name}-${process.pid}.log`);
    const log = fs.createWriteStream(this.logFile);
    this.#child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    if (this.#child.pid === undefined) throw new Error(`could not spawn ${command}`);
    this.pid = this.#child.pid;
    daemons.add(this.#child);
    log.write(`# ${new Date().toISOString()} pid ${this.pid}: ${command} ${args.join(" ")}\n`);
    this.#exited = new Promise((resolve) => {
      this.#child.on("exit", (code, signal) => {
        this.#exit = { code, signal };
        daemons.delete(this.#child);
        log.end(`# exited code=${code} signal=${signal}\n`);
        resolve();
      });
    });
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      let pending = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          this.lines.push(line);
          log.write(`${line}\n`);
        }
      });
    }
  }

  get running(): boolean {
    return this.#exit === null;
  }

  tail(n = 40): string {
    return `${this.name} (log ${this.logFile}):\n${this.lines.slice(-n).join("\n")}`;
  }

  /** Waits for a line matching `re`; fails at once, with the output, if the program exits first. */
  async waitForLine(re: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      () => {
        const line = this.lines.find((l) => re.test(l));
        if (line === undefined && !this.running) throw new Error(`exited: ${JSON.stringify(this.#exit)}`);
        return line;
      },
      { timeoutMs, what: `${this.name} printing ${re}` },
    );
  }

  /** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. Returns how it ended. */
  async stop(graceMs = 5000): Promise<string> {
    if (this.#exit === null) {
      this.#child.kill("SIGTERM");
      const late = await Promise.race([this.#exited.then(() => false), sleep(graceMs).then(() => true)]);
      if (late) {
        this.#child.kill("SIGKILL");
        await this.#exited;
        return `${this.name} killed with SIGKILL ${graceMs} ms after SIGTERM`;
      }
    }
    return `${this.name} exited ${JSON.stringify(this.#exit)}`;
  }
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET `url` trusting only `ca` (no connection reuse: nothing keeps the front busy at its stop). */
export function httpsGet(url: string, ca: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

/** Resolves true once a TCP connection to host:port is accepted (then closes it). */
export function tcpAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/**
 * `caddy run` on the rendered Caddyfile, HOME and the XDG folders in `dir` (Caddy writes its data and autosave
 * there, nowhere else); ready when `healthUrl` answers 200 through it with only the test CA trusted.
 */
export async function startCaddy(
  dir: string,
  caddyfile: string,
  healthUrl: string,
  ca: string,
): Promise<Daemon> {
  const file = path.join(dir, "Caddyfile");
  fs.writeFileSync(file, caddyfile);
  const env = {
    ...process.env,
    HOME: path.join(dir, "home"),
    XDG_DATA_HOME: path.join(dir, "data"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
  };
  const caddy = new Daemon("caddy", "caddy", ["run", "--config", file, "--adapter", "caddyfile"], env);
  await waitFor(
    async () => {
      if (!caddy.running) throw new Error(`caddy exited:\n${caddy.tail(20)}`);
      return (await httpsGet(healthUrl, ca)).status === 200;
    },
    { timeoutMs: 20_000, what: `Caddy answering ${healthUrl}` },
  );
  return caddy;
}

/** `turnserver -c` on the rendered configuration; ready when every one of `listening` accepts TCP. */
export async function startCoturn(
  dir: string,
  conf: string,
  listening: { host: string; port: number }[],
): Promise<Daemon> {
  const file = path.join(dir, "turnserver.conf");
  fs.writeFileSync(file, conf);
  const coturn = new Daemon("coturn", "turnserver", ["-c", file]);
  for (const { host, port } of listening) {
    await waitFor(
      async () => {
        if (!coturn.running) throw new Error(`turnserver exited:\n${coturn.tail(20)}`);
        return tcpAccepts(host, port);
      },
      { timeoutMs: 15_000, what: `coturn listening on ${host}:${port}` },
    );
  }
  return coturn;
}

/** Parses an EnvironmentFile (KEY=value lines, # comments). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`not a KEY=value line: '${line}'`);
    vars[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return vars;
}

/** Clean-up steps, run last-in first-out, every one even when some fail; what failed is returned. */
export class Teardown {
  readonly #steps: { label: string; run: () => unknown }[] = [];

  add(label: string, run: () => unknown): void {
    this.#steps.push({ label, run });
  }

  async run(): Promise<string[]> {
    const problems: string[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        problems.push(`${step.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return problems;
  }
}
