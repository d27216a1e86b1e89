/**
 * A Janus crash in the middle of a meeting, through the real UI (headless Chromium): three people in a call
 * with a password, the lobby on, a chat message and two raised hands; Janus is killed with SIGKILL. The meeting
 * must go on on the same sockets: every page shows the "Reconnecting sound and video…" banner, builds new peer
 * connections when the server says media.restored, and decodes both others again within 10 s of the kill; the
 * banner goes; nobody lands on an error, rejoin or pre-join screen, and the ids, the chat, the hand queue, the
 * moderator, the password and the lobby are as they were.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { expectGuardedState, expectStrangerHeldOut, guardMeeting } from "./helpers/guarded-meeting.js";
import { janusPid, markConnectionsOld, readWatch, waitForNewMedia, watchPage } from "./helpers/recovery.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { joinViaUi, sel } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

/**
 * Media back on every page within this long after the kill, or the recovery is broken. How fast it is (the
 * target: 5 s) is measured by `npm run bench:recovery` over many kills, not here: a clean-clone CI run on a
 * loaded machine once took 7.3 s where the bench's runs take 1.7-3.4 s.
 */
const RECOVERY_MS = 10_000;
/** How long the test waits before calling it a failure, so a miss reports the real figure. */
const RECOVERY_WAIT_MS = 30_000;
const PASSWORD = "crash-proof-7";
const CHAT = "said before the crash";

interface Person {
  p: Participant;
  page: Page;
  id: string;
  name: string;
  frames: FrameLog;
}

let server: ServerHandle;
let browser: Browser;
const pages: Participant[] = [];
let ann: Person;
let ben: Person;
let cat: Person;
const everyone = () => [ann, ben, cat];
const others = (x: Person) => everyone().filter((y) => y !== x);
const room = `e2e-recovery-${Date.now().toString(36)}`;
let oldJanus = 0;

/** What must not show during the recovery (a socket reconnection, an end screen, a new join), and the banner. */
const WATCHED = {
  banner: "[data-testid=media-reconnecting]",
  socketBanner: "[data-testid=reconnecting]",
  error: "[data-testid=error-screen]",
  left: "[data-testid=left-screen]",
  prejoin: "input#display-name",
  password: "[data-testid=password-dialog]",
  lobby: "[data-testid=lobby-screen]",
};

async function enter(label: string, name: string): Promise<Person> {
  const p = await newParticipant(browser, label);
  pages.push(p);
  const frames = recordFrames(p.page);
  const id = await joinViaUi(p.page, server.origin, room, name);
  return { p, page: p.page, id, name, frames };
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(`recovery-${tag}`, pages);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`);
  });
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-media-recovery" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("a Janus crash during a meeting", () => {
  it("three pages in a call; the moderator sets a password and turns the lobby on; a chat message; two hands", async () => {
    evidenceOnFailure("setup");
    ann = await enter("ann", "Ann");
    ben = await enter("ben", "Ben");
    cat = await enter("cat", "Cat");
    await guardMeeting(ann, ben, cat, PASSWORD, CHAT);
  });

  it("Janus killed with SIGKILL: the banner shows, and every page decodes both others again on new connections within 10 s", async () => {
    evidenceOnFailure("kill");
    for (const x of everyone()) {
      await watchPage(x.page, WATCHED);
      expect(await markConnectionsOld(x.page), `${x.name}'s peer connections before the crash`).toBe(2);
    }
    const pcsBefore = await Promise.all(everyone().map((x) => pcCount(x.page)));

    oldJanus = janusPid(server);
    const killedAt = Date.now();
    process.kill(oldJanus, "SIGKILL");

    const back = await Promise.all(
      everyone().map((x) =>
        waitForNewMedia(
          x.page,
          others(x).map((y) => y.id),
          killedAt,
          RECOVERY_WAIT_MS,
        ),
      ),
    );
    const report = everyone().map((x, i) => `${x.name} ${back[i]?.ms} ms (${back[i]?.detail})`);
    console.log(
      `[media recovery] kill -9 → new frames decoded and audio from both others: ${report.join(", ")}`,
    );
    for (const [i, x] of everyone().entries()) {
      expect(
        back[i]?.ms,
        `${x.name}'s media back within ${RECOVERY_MS} ms (${back[i]?.detail})`,
      ).toBeLessThanOrEqual(RECOVERY_MS);
    }

    // Where the time went, for the record: what each page received after the kill, and when (ms).
    for (const x of everyone()) {
      const since = x.frames.receivedAt.findIndex((at) => at >= killedAt);
      const timeline =
        since < 0
          ? []
          : x.frames.received.slice(since).map((f, i) => {
              return `${f.type}@${(x.frames.receivedAt[since + i] ?? killedAt) - killedAt}`;
            });
      console.log(`[media recovery] ${x.name} received after the kill: ${timeline.join(" ")}`);
    }
    // The server runs a new Janus; each page made new peer connections (the old ones are closed).
    expect(janusPid(server)).not.toBe(oldJanus);
    const pcsAfter = await Promise.all(everyone().map((x) => pcCount(x.page)));
    for (const [i, x] of everyone().entries()) {
      expect(pcsAfter[i]?.open, `${x.name}'s open peer connections`).toBe(2);
      expect(pcsAfter[i]?.total, `${x.name} built new peer connections`).toBeGreaterThanOrEqual(
        (pcsBefore[i]?.total ?? 0) + 2,
      );
    }

    // The banner showed on every page, with its words, and went once media was back.
    for (const x of everyone()) {
      await x.page.locator(WATCHED.banner).waitFor({ state: "detached", timeout: 10_000 });
      const w = await readWatch(x.page);
      expect(w.seen.banner, `${x.name}'s page showed the media banner`).toBeGreaterThanOrEqual(killedAt);
      expect(w.text.banner).toBe("Reconnecting sound and video…");
      expect(w.gone.banner, `${x.name}'s banner went`).toBeGreaterThan(w.seen.banner ?? 0);
      console.log(
        `[media recovery] ${x.name}: banner from +${(w.seen.banner ?? 0) - killedAt} ms to +${(w.gone.banner ?? 0) - killedAt} ms`,
      );
    }
  });

  it("the same sockets and participants: no reconnection, no error, rejoin or pre-join screen on any page", async () => {
    evidenceOnFailure("same-sockets");
    for (const x of everyone()) {
      const w = await readWatch(x.page);
      const shown = Object.keys(w.seen).filter((name) => name !== "banner");
      expect(shown, `what ${x.name}'s page showed besides the media banner`).toEqual([]);
      expect(x.frames.sockets.length, `${x.name}'s page opened one socket in all`).toBe(1);
      expect(x.frames.sockets[0]?.isClosed(), `${x.name}'s socket is still open`).toBe(false);
      expect(await x.page.locator(sel.localTile).getAttribute("data-participant-id")).toBe(x.id);
      const types = x.frames.received.map((f) => f.type);
      expect(
        types.filter((t) => t === "media.lost"),
        `${x.name}: media.lost`,
      ).toHaveLength(1);
      expect(
        types.filter((t) => t === "media.restored"),
        `${x.name}: media.restored`,
      ).toHaveLength(1);
      expect(
        types.filter((t) => t === "joined"),
        `${x.name} joined once`,
      ).toHaveLength(1);
      expect(
        types.filter((t) => t === "participant.left"),
        `${x.name} saw nobody leave`,
      ).toHaveLength(0);
    }
    // And the media keeps flowing: two seconds of it on every page.
    const growth = await Promise.all(everyone().map((x) => sampleGrowth(x.page, 2000)));
    for (const [i, x] of everyone().entries()) {
      for (const y of others(x)) {
        const g = growth[i]?.get(y.id);
        expect(g?.videoFramesDelta, `${x.name} decodes ${y.name}'s video (frames in 2 s)`).toBeGreaterThan(
          10,
        );
        expect(g?.audioPacketsDelta, `${x.name} receives ${y.name}'s audio (packets in 2 s)`).toBeGreaterThan(
          20,
        );
      }
    }
  });

  it("the chat history, the hand queue and the moderator are unchanged", async () => {
    evidenceOnFailure("state");
    await expectGuardedState(ann, ben, cat, [CHAT], "after the crash");
  });

  it("a new socket still needs the password, and with it waits in the lobby, where the moderator sees it knock", async () => {
    evidenceOnFailure("password");
    await expectStrangerHeldOut(server.wsUrl, room, PASSWORD, ann);
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = pages.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

/** Peer connections the page created in all, and those not closed. */
async function pcCount(page: Page): Promise<{ total: number; open: number }> {
  return page.evaluate(`(() => {
    const pcs = window.__pcs || [];
    return { total: pcs.length, open: pcs.filter((pc) => pc.connectionState !== "closed").length };
  })()`) as Promise<{ total: number; open: number }>;
}

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
