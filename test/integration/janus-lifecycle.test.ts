/**
 * Janus and its secrets do not outlive the server, however the server dies: killed with SIGKILL (no handler of
 * ours runs), its Janus is gone within 2 s, and the folder with the API secrets that it could not remove goes at
 * the next server start, while a live server's folder stays. And setup.sh masks the stock janus service even
 * where systemd is not running (checked with a fake systemctl that records its arguments). Last, the log of
 * every server the file started is judged: killing a server with SIGKILL must make no server print an error.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeServerLogExpecting } from "../helpers/log-expected.js";
import { REPO_ROOT } from "../helpers/paths.js";
import { type ServerHandle, type StartServerOptions, startServer } from "../helpers/server.js";

/** Every server this file started, killed ones included (the log guard at the end reads them all). */
const started: ServerHandle[] = [];

async function start(options: StartServerOptions): Promise<ServerHandle> {
  const server = await startServer(options);
  started.push(server);
  return server;
}

/** The server's Janus: pid and its private folder (the `-F` argument). */
function janusOf(server: ServerHandle): { pid: number; dir: string } {
  const janus = server.descendants().find((p) => /(^|\/)janus\s/.test(`${p.cmd} `));
  expect(janus, "janus runs as a child of the server").toBeDefined();
  const args = readFileSync(`/proc/${janus?.pid}/cmdline`, "utf8").split("\0");
  const dir = args[args.indexOf("-F") + 1] ?? "";
  expect(dir).toContain("palabre-janus-");
  return { pid: janus?.pid as number, dir };
}

/** A zombie counts as gone: it runs nothing and holds nothing, only its parent has not collected it yet. */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
  } catch {
    return true;
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** SIGKILL to the server's pid alone: its process group (Janus included) is left to fend for itself. */
async function killHard(server: ServerHandle): Promise<void> {
  process.kill(server.pid, "SIGKILL");
  expect(await waitUntil(() => !server.isRunning(), 5000), "the server exited").toBe(true);
}

/** Where a Janus did outlive its server (the failure this file guards against), do not leave it running. */
function reap(pid: number): void {
  if (!gone(pid)) process.kill(pid, "SIGKILL");
}

describe("a server killed with SIGKILL", () => {
  it("takes its Janus with it within 2 s", async () => {
    const server = await start({ name: "janus-lifecycle-kill" });
    const janus = janusOf(server);
    try {
      await killHard(server);
      expect(await waitUntil(() => gone(janus.pid), 2000), "Janus still runs 2 s after its server died").toBe(
        true,
      );
    } finally {
      reap(janus.pid);
      await server.stop();
    }
  });

  it("leaves a secrets folder that the next start removes, and a live server's folder stays", async () => {
    const live = await start({ name: "janus-lifecycle-live" });
    const killed = await start({ name: "janus-lifecycle-killed" });
    let next: ServerHandle | undefined;
    try {
      const liveJanus = janusOf(live);
      const killedJanus = janusOf(killed);
      await killHard(killed);
      reap(killedJanus.pid);
      expect(existsSync(join(killedJanus.dir, "janus.jcfg")), "nothing could remove it yet").toBe(true);

      next = await start({ name: "janus-lifecycle-next" });
      expect(existsSync(killedJanus.dir), "the killed server's folder after the next start").toBe(false);
      expect(existsSync(join(liveJanus.dir, "janus.jcfg")), "the live server's folder").toBe(true);
      expect((await fetch(`${live.origin}/healthz`)).status).toBe(200);
      expect(gone(liveJanus.pid)).toBe(false);
      expect(janusOf(next).dir).not.toBe(liveJanus.dir);
    } finally {
      await next?.stop();
      await killed.stop();
      await live.stop();
    }
  });
});

describe("scripts/setup.sh", () => {
  /** Runs the script's masking step (sourced: nothing else runs) with a fake systemctl; returns its calls. */
  function maskStockJanus(systemdRunning: boolean): string[] {
    const bin = mkdtempSync(join(tmpdir(), "palabre-fake-systemctl-"));
    try {
      const calls = join(bin, "calls");
      writeFileSync(join(bin, "systemctl"), `#!/bin/sh\necho "$*" >> "$CALLS"\n`);
      // Were the script ever to run past its sourcing guard, it would stop at its root check, not install.
      writeFileSync(join(bin, "id"), "#!/bin/sh\necho 1000\n");
      chmodSync(join(bin, "systemctl"), 0o755);
      chmodSync(join(bin, "id"), 0o755);
      const run = spawnSync(
        "bash",
        ["-c", `source scripts/setup.sh; systemd_running() { ${systemdRunning}; }; mask_stock_janus`],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CALLS: calls },
          encoding: "utf8",
        },
      );
      expect(run.status, run.stderr).toBe(0);
      return existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : [];
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  it("disables and masks the stock janus service where systemd is not running (container, chroot)", () => {
    expect(maskStockJanus(false)).toEqual(["disable janus.service", "mask janus.service"]);
  });

  it("also stops it where systemd is running", () => {
    expect(maskStockJanus(true)).toEqual([
      "stop janus.service",
      "disable janus.service",
      "mask janus.service",
    ]);
  });
});

// Last: the logs of the four servers above. A server killed with SIGKILL prints nothing more, its Janus dies
// with it (the kernel's parent-death signal), and the next start removes the left folder with an info line:
// no error line is expected from any of them, so the list of expected lines is empty.
describeServerLogExpecting(() => started, [], "the servers");
