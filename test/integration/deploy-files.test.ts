/**
 * README "On a server": the files `setup.sh --domain` writes (scripts/deploy/cli.ts, into a temporary root
 * here). A second run changes nothing; the unit passes `systemd-analyze verify` and its exposure score is "OK"
 * or better; Caddy accepts its Caddyfile; the environment file, which holds the TURN secret, is root's only.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/paths.js";

let root: string;
const ARGS = ["--domain", "meet.example.org", "--public-ip", "203.0.113.7", "--app-dir", REPO_ROOT];

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/deploy/cli.ts", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`: its content and its mtime, to see whether a run touched anything. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const st = fs.statSync(file);
    out[path.relative(dir, file)] =
      `${st.mtimeMs} ${(st.mode & 0o777).toString(8)} ${fs.readFileSync(file, "utf8")}`;
  }
  return out;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-deploy-"));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("the production files", () => {
  it("are written once: a second run changes nothing and keeps the TURN secret", () => {
    const first = cli(...ARGS, "--root", root);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.trim().split("\n").sort()).toEqual(
      [
        "/etc/caddy/Caddyfile",
        "/etc/palabre/palabre.env",
        "/etc/systemd/system/palabre-turn-cert.service",
        "/etc/systemd/system/palabre-turn-cert.timer",
        "/etc/systemd/system/palabre.service",
        "/etc/turnserver.conf",
      ].map((p) => `changed ${p}`),
    );
    const before = snapshot(root);
    const second = cli(...ARGS, "--root", root);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe("");
    expect(snapshot(root)).toEqual(before);

    const env = fs.readFileSync(path.join(root, "etc/palabre/palabre.env"), "utf8");
    const secret = /^TURN_SECRET=([0-9a-f]{64})$/m.exec(env)?.[1];
    expect(secret).toBeDefined();
    expect(fs.statSync(path.join(root, "etc/palabre/palabre.env")).mode & 0o777).toBe(0o600);
    const turn = fs.readFileSync(path.join(root, "etc/turnserver.conf"), "utf8");
    expect(turn).toContain(`static-auth-secret=${secret}`);
    expect(turn).toContain("allowed-peer-ip=203.0.113.7");
    expect(turn).toMatch(/^denied-peer-ip=0\.0\.0\.0-255\.255\.255\.255$/m);
    expect(env).toContain(
      "ICE_SERVERS=turn:203.0.113.7:3478?transport=udp,turn:203.0.113.7:3478?transport=tcp,",
    );
  });

  it("refuses what is not a host name or an IPv4 address, and writes nothing then", () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-deploy-bad-"));
    try {
      for (const bad of [
        ["--domain", "meet.example.org\nreverse_proxy evil:80", "--public-ip", "203.0.113.7"],
        ["--domain", "meet.example.org", "--public-ip", "203.0.113.7; rm -rf /"],
        ["--domain", "meet.example.org"],
        // coturn's own address must be a second one (the front holds 443 on the first), and only it has a name.
        ["--domain", "meet.example.org", "--public-ip", "203.0.113.7", "--turn-ip", "203.0.113.7"],
        ["--domain", "meet.example.org", "--public-ip", "203.0.113.7", "--turn-host", "turn.example.org"],
        [
          "--domain",
          "meet.example.org",
          "--public-ip",
          "203.0.113.7",
          "--turn-ip",
          "203.0.113.8",
          "--turn-host",
          "a b",
        ],
      ]) {
        const r = cli(...bad, "--root", elsewhere);
        expect(r.status, r.stdout).toBe(2);
      }
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("a unit systemd verifies, with an exposure of OK or better", () => {
    // The unit names /etc/palabre/palabre.env: point it at the one written here, which verify reads.
    const unit = path.join(root, "palabre.service");
    const text = fs
      .readFileSync(path.join(root, "etc/systemd/system/palabre.service"), "utf8")
      .replace("EnvironmentFile=/etc/palabre/palabre.env", `EnvironmentFile=${root}/etc/palabre/palabre.env`);
    fs.writeFileSync(unit, text);
    const verify = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stderr.trim()).toBe("");
    const security = spawnSync("systemd-analyze", ["security", "--offline=true", unit], { encoding: "utf8" });
    const score = /Overall exposure level for palabre\.service: ([\d.]+) (\w+)/.exec(security.stdout);
    console.log(`[deploy] systemd-analyze security: ${score?.[1]} ${score?.[2]}`);
    expect(Number(score?.[1])).toBeLessThanOrEqual(2);
    expect(["OK", "SAFE"]).toContain(score?.[2]);
  });

  it("a Caddyfile Caddy accepts", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-caddy-"));
    try {
      const out = execFileSync(
        "caddy",
        ["validate", "--config", path.join(root, "etc/caddy/Caddyfile"), "--adapter", "caddyfile"],
        { encoding: "utf8", env: { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home } },
      );
      expect(out).toMatch(/Valid configuration/);
    } catch (err) {
      throw new Error(`caddy validate: ${(err as { stderr?: string }).stderr ?? err}`);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("with --turn-ip: coturn alone on the second address, TURN over TLS on its 443, the front on the first", () => {
    const second = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-deploy-turn-ip-"));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-caddy-"));
    try {
      const r = cli(...ARGS, "--turn-ip", "203.0.113.8", "--root", second);
      expect(r.status, r.stderr).toBe(0);
      const read = (p: string) => fs.readFileSync(path.join(second, p), "utf8");
      const turn = read("etc/turnserver.conf");
      expect(turn.match(/^listening-ip=.*$/gm)).toEqual(["listening-ip=203.0.113.8"]);
      expect(turn).toMatch(/^tls-listening-port=443$/m);
      expect(turn).toMatch(/^relay-ip=203\.0\.113\.7$/m);
      expect(turn.match(/^allowed-peer-ip=.*$/gm)).toEqual(["allowed-peer-ip=203.0.113.7"]);
      expect(read("etc/palabre/palabre.env")).toMatch(
        /^ICE_SERVERS=turn:203\.0\.113\.8:3478\?transport=udp,turn:203\.0\.113\.8:3478\?transport=tcp,turns:turn\.meet\.example\.org:443\?transport=tcp$/m,
      );
      // coturn is given the certificate of its own name.
      expect(read("etc/systemd/system/palabre-turn-cert.service")).toMatch(
        /turn-cert\.sh turn\.meet\.example\.org$/m,
      );
      // What Caddy makes of it: 443 on the first address only; on the second, port 80 alone, where the ACME
      // CA's HTTP challenge for the TURN name arrives; that name's certificate without the TLS-ALPN challenge
      // (it would reach coturn).
      const adapted = JSON.parse(
        execFileSync(
          "caddy",
          ["adapt", "--config", path.join(second, "etc/caddy/Caddyfile"), "--adapter", "caddyfile"],
          {
            encoding: "utf8",
            env: { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
          },
        ),
      ) as {
        apps: {
          http: { servers: Record<string, { listen: string[] }> };
          tls: {
            automation: {
              policies: { subjects: string[]; issuers?: { challenges?: Record<string, unknown> }[] }[];
            };
          };
        };
      };
      const listens = Object.values(adapted.apps.http.servers)
        .flatMap((srv) => srv.listen)
        .sort();
      expect(listens).toEqual(["203.0.113.7:443", "203.0.113.8:80"]);
      const policy = adapted.apps.tls.automation.policies.find((p) =>
        p.subjects.includes("turn.meet.example.org"),
      );
      expect(policy?.issuers?.[0]?.challenges?.["tls-alpn"]).toEqual({ disabled: true });
    } finally {
      fs.rmSync(second, { recursive: true, force: true });
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
