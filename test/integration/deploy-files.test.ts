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
});
