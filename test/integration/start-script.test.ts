/**
 * README "Running": `npm start` builds the client if it is missing or older than its sources, then serves.
 * scripts/start.ts looks for the build next to itself, so it runs here from a copy of the repository (sources,
 * scripts, build configuration; node_modules linked) in a temporary folder: the shared dist/client, which the
 * other tests serve, is never touched. Each case runs `node --import tsx scripts/start.ts` (what `npm start`
 * runs) on a free port, and looks at what it printed, the build's files and what the server serves.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/paths.js";
import { VETH_IFACE } from "../helpers/veth.js";
import { waitFor } from "../helpers/wait.js";

let copy = "";
const indexHtml = () => path.join(copy, "dist/client/index.html");
const mtime = (file: string) => fs.statSync(file).mtimeMs;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-start-"));
  for (const entry of [
    "src",
    "scripts",
    "vite.config.ts",
    "package.json",
    "tsconfig.json",
    "tsconfig.base.json",
  ]) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"));
  // Copied after the sources, so newer than all of them: a build that is up to date.
  fs.cpSync(path.join(REPO_ROOT, "dist/client"), path.join(copy, "dist/client"), { recursive: true });
});

afterAll(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

interface Run {
  lines: string[];
  /** The page the server serves at / once it listens. */
  page: string;
}

/** Runs `scripts/start.ts` in the copy until it serves, fetches its page, stops it with SIGTERM. */
async function npmStart(): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "NODE_ENV") delete env[key];
  delete env.CLIENT_DIR; // with CLIENT_DIR, start.ts builds nothing
  Object.assign(env, {
    PORT: "0",
    HOST: "127.0.0.1",
    JANUS_ICE_INTERFACE: VETH_IFACE,
  });
  // Like the harness: a block of its own in 20000-39999 (no media flows here, but Janus reserves nothing twice).
  const base = 20_000 + 1000 * Math.floor(Math.random() * 20);
  env.JANUS_RTP_PORTS = `${base}-${base + 999}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: copy,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so that a failure below can take Janus down with it
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = ""; // a line may come in two chunks
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      lines.push(...parts.filter(Boolean));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`start.ts exited: ${lines.join("\n")}`);
        return lines.map((l) => /listening on (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
      },
      { timeoutMs: 120_000, intervalMs: 200, what: "start.ts to serve" },
    );
    const page = await (await fetch(`${url}/`)).text();
    child.kill("SIGTERM");
    expect(await exited, lines.join("\n")).toBe(0);
    return { lines, page };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }
}

const BUILDING = /Building the client/;

describe("npm start (scripts/start.ts)", () => {
  it("serves an up-to-date build as it is, without building", async () => {
    const before = mtime(indexHtml());
    const run = await npmStart();
    expect(run.lines.filter((l) => BUILDING.test(l))).toEqual([]);
    expect(mtime(indexHtml())).toBe(before);
    expect(run.page).toContain("<title>Palabre</title>");
  });

  it("rebuilds a client older than its sources, and serves the new one", async () => {
    // A change in a client source, newer than the build: the page's title.
    const source = path.join(copy, "src/client/index.html");
    fs.writeFileSync(
      source,
      fs.readFileSync(source, "utf8").replace("<title>Palabre</title>", "<title>Stale</title>"),
    );
    expect(mtime(source)).toBeGreaterThan(mtime(indexHtml()));
    const run = await npmStart();
    expect(
      run.lines.some((l) => BUILDING.test(l)),
      run.lines.join("\n"),
    ).toBe(true);
    expect(mtime(indexHtml())).toBeGreaterThan(mtime(source));
    expect(run.page).toContain("<title>Stale</title>");
  }, 180_000);

  it("builds a missing client", async () => {
    fs.rmSync(path.join(copy, "dist"), { recursive: true });
    const run = await npmStart();
    expect(
      run.lines.some((l) => BUILDING.test(l)),
      run.lines.join("\n"),
    ).toBe(true);
    expect(fs.existsSync(indexHtml())).toBe(true);
    expect(run.page).toContain("<title>Stale</title>");
  }, 180_000);
});
