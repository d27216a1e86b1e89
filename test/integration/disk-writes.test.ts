/**
 * README "Running": "Nothing else is written to disk" — besides the temporary folder of its Janus, the server
 * writes no file. The server runs with a working folder, HOME and TMPDIR of its own (empty at first), so that
 * what appears there is its doing, and during a call (two load bots joining with sound and video, receiving each
 * other, chatting, raising a hand, leaving) three readings must stay flat:
 *  - the kernel's count of bytes the server and its Janus caused to be written to storage (/proc/<pid>/io
 *    write_bytes: any file on the disk, wherever it is — the repository, /var/log, HOME);
 *  - the files either holds open for writing (polled from /proc/<pid>/fd);
 *  - the listings of the three folders, but for the inside of Janus's own folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metric, scrapeMetrics } from "../../bench/lib.js";
import { Bot } from "../../bots/bot.js";
import { listing, listingDiff, watchOpenFiles, writeBytes } from "../helpers/disk-watch.js";
import { type JanusInfo, janusOf } from "../helpers/janus-inspect.js";
import { describeServerLog } from "../helpers/log-health.js";
import { uniqueRoom } from "../helpers/room-clients.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

let root = "";
let dirs: { cwd: string; home: string; tmp: string };
let server: ServerHandle;
let janus: JanusInfo;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-disk-"));
  dirs = { cwd: path.join(root, "cwd"), home: path.join(root, "home"), tmp: path.join(root, "tmp") };
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  server = await startServer({
    name: "disk-writes",
    cwd: dirs.cwd,
    env: {
      HOME: dirs.home,
      TMPDIR: dirs.tmp,
      TMP: undefined,
      TEMP: undefined,
      XDG_CACHE_HOME: undefined,
      XDG_CONFIG_HOME: undefined,
      XDG_DATA_HOME: undefined,
      XDG_STATE_HOME: undefined,
    },
  });
  janus = await waitFor(() => janusOf(server), { what: "the server's Janus" });
});

afterAll(async () => {
  await server?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Everything in the three folders, as one listing. */
function snapshot(): Map<string, string> {
  return new Map(Object.values(dirs).flatMap((d) => [...listing(d)]));
}

const inJanusFolder = (entry: string) => entry.slice(2).startsWith(`${janus.dir}/`);

describe("a running server", () => {
  it("has written its Janus folder (in its own TMPDIR) and nothing else of its own at start", () => {
    expect(path.dirname(janus.dir)).toBe(dirs.tmp);
    // Writing the Janus configuration at start was counted: a zero later means nothing was written.
    expect(writeBytes(server.pid)).toBeGreaterThan(0);
    expect(fs.readdirSync(dirs.cwd), "working folder").toEqual([]);
    expect(fs.readdirSync(dirs.home), "HOME").toEqual([]);
    // One exception the README does not state: tsx, which `npm start` (and this harness) runs the server with,
    // writes the sources it compiles into $TMPDIR/tsx-<uid> at start (code, no data; reported to the lead).
    const others = fs.readdirSync(dirs.tmp).filter((n) => n !== path.basename(janus.dir));
    expect(others.filter((n) => n !== `tsx-${os.userInfo().uid}`)).toEqual([]);
  });

  it("writes nothing to disk during a call (media, chat, hands, leave)", async () => {
    const room = uniqueRoom("disk");
    const before = snapshot();
    const written = { server: writeBytes(server.pid), janus: writeBytes(janus.pid) };
    const stopWatching = watchOpenFiles([server.pid, janus.pid]);
    const ann = new Bot({ url: server.wsUrl, room, name: "Ann", audio: "on", video: true, subscribe: true });
    const ben = new Bot({ url: server.wsUrl, room, name: "Ben", audio: "on", video: false, subscribe: true });
    try {
      await ann.start();
      await ben.start();
      // Media flows both ways through Janus: each receives the other's packets.
      await waitFor(
        async () => {
          const [a, b] = await Promise.all([ann.report(), ben.report()]);
          return (
            (b.inByParticipant.get(ann.id ?? "")?.frames ?? 0) > 10 &&
            (a.inByParticipant.get(ben.id ?? "")?.audio ?? 0) > 10
          );
        },
        { timeoutMs: 30_000, what: "Ann's video at Ben and Ben's sound at Ann" },
      );
      for (const [bot, text] of [
        [ann, "hello from Ann"],
        [ben, "hello from Ben"],
      ] as const) {
        expect(await bot.request({ type: "chat.send", text, clientId: `c-${bot.opts.name}` })).toMatchObject({
          type: "ok",
        });
      }
      expect(await ben.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });
      expect(await ben.request({ type: "hand.lower" })).toMatchObject({ type: "ok" });
      // The app's page and an asset, as a browser would fetch them.
      expect((await fetch(`${server.origin}/${room}`)).status).toBe(200);
      await ann.leave();
      await ben.leave();
      await waitFor(async () => metric(await scrapeMetrics(server.origin), "palabre_participants") === 0, {
        what: "the room to empty",
      });
    } catch (err) {
      console.error(tail(server.lines, 30));
      throw err;
    } finally {
      ann.close();
      ben.close();
    }
    const open = stopWatching();
    expect(open.polls, "the open-file poller ran throughout").toBeGreaterThan(10);
    expect(open.files.filter((f) => !f.includes(`${janus.dir}/`))).toEqual([]);
    expect({ server: writeBytes(server.pid), janus: writeBytes(janus.pid) }).toEqual(written);
    expect(listingDiff(before, snapshot()).filter((e) => !inJanusFolder(e))).toEqual([]);
  });
});

describeServerLog(() => server);
