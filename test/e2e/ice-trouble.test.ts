/**
 * When the media connection loses its path (every packet between Bob and the media server dropped by the UDP
 * relay), Bob's page says so ("Connection unstable…") and every quality mark on it says poor: the last
 * statistics no longer hold (the marks used to stay green "good" under the notice). Once the path is back, the
 * notice goes and the marks follow the statistics again.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { waitFor } from "../helpers/wait.js";
import {
  type ImpairedCall,
  joinThroughRelay,
  startImpairedCall,
  waitForMediaFrom,
} from "./helpers/degradation.js";

let call: ImpairedCall;
let bob: Page;
let aliceId: string;

/** The quality marks the page shows, and whether its media-health notice is there (and its text). */
async function marksAndNotice(page: Page): Promise<{ marks: string[]; notice: string | null }> {
  return (await page.evaluate(`(() => ({
    marks: Array.from(document.querySelectorAll("[data-testid=quality-indicator]")).map((m) => m.getAttribute("data-quality")),
    notice: document.querySelector(".health") ? document.querySelector(".health").textContent : null,
  }))()`)) as { marks: string[]; notice: string | null };
}

beforeAll(async () => {
  call = await startImpairedCall("ice-trouble");
  const alice = await joinThroughRelay(call, "Alice");
  aliceId = alice.id;
  const b = await joinThroughRelay(call, "Bob");
  bob = b.participant.page;
  await waitForMediaFrom(bob, [aliceId], 40_000);
  await waitForMediaFrom(alice.participant.page, [b.id], 40_000);
});

afterAll(async () => {
  await call?.close();
});

describe.sequential("the media connection loses its path", () => {
  it("before: no notice, and the marks are not poor", async () => {
    const seen = await waitFor(
      async () => {
        const s = await marksAndNotice(bob);
        return s.notice === null && s.marks.length > 0 && s.marks.every((m) => m !== "poor") ? s : undefined;
      },
      { timeoutMs: 20_000, what: "marks that are not poor, and no notice" },
    );
    expect(seen.marks.length).toBeGreaterThan(0);
  });

  it("cut: the notice shows, and every mark says poor while it does", async () => {
    call.relay.impair("toClient", { loss: 1 });
    call.relay.impair("toServer", { loss: 1 });
    const seen = await waitFor(
      async () => {
        const s = await marksAndNotice(bob);
        return s.notice !== null ? s : undefined;
      },
      { timeoutMs: 30_000, what: "the connection notice on Bob's page" },
    );
    console.log(`[ice-trouble] notice "${seen.notice}", marks ${JSON.stringify(seen.marks)}`);
    expect(seen.notice).toMatch(/Connection unstable|connection lost/);
    expect(seen.marks.length).toBeGreaterThan(0);
    expect(
      seen.marks.every((m) => m === "poor"),
      JSON.stringify(seen.marks),
    ).toBe(true);
  });

  it("back: the notice goes, media flows again, and the marks leave poor", async () => {
    call.relay.impair("toClient", { loss: 0 });
    call.relay.impair("toServer", { loss: 0 });
    await waitFor(async () => (await marksAndNotice(bob)).notice === null, {
      timeoutMs: 40_000,
      what: "the notice gone",
    });
    await waitForMediaFrom(bob, [aliceId], 40_000);
    await waitFor(async () => (await marksAndNotice(bob)).marks.some((m) => m !== "poor"), {
      timeoutMs: 30_000,
      what: "a mark that is not poor again",
    });
  });
});

describeServerLog(() => call?.server);
