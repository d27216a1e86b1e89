/**
 * The lobby and the password through the real UI (headless Chromium): the moderator turns the lobby on in the
 * participants pane; a newcomer waits on the lobby screen and receives nothing of the meeting (checked on its
 * WebSocket frames and its peer connections' stats); the moderator admits it from the knock notification and
 * the two see and hear each other; a third is denied. Then the password: set in the security settings, asked
 * in a dialog, a wrong one refused, the right one lets in, removing it lets people in without.
 *
 * The tests run in order and share one room (later steps build on earlier ones).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { sleep, waitFor } from "../helpers/wait.js";
import { type AnyMessage, RawClient } from "../helpers/ws-client.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import {
  clickJoin,
  msel,
  openParticipants,
  pcSummary,
  setLobby,
  setPassword,
  waitForConference,
} from "./helpers/moderation-ui.js";
import { sampleGrowth } from "./helpers/rtc.js";
import { sel, tileOf, waitForMediaFrom, waitForRemoteSet } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

let server: ServerHandle;
let browser: Browser;
const everyone: Participant[] = [];
const frames = new Map<Participant, FrameLog>();
const room = `e2e-lobby-${Date.now().toString(36)}`;
const PASSWORD = "open-sesame-42";
let mod: Participant;
let newcomer: Participant;
let third: Participant;
let modId = "";
let newcomerId = "";
let bystander: RawClient;
let bystanderId = "";

const MOD_NAME = "Mona Moderator";
const BYSTANDER_NAME = "Bertrand Bystander";
const SECRET_CHAT = "the budget is 42 zorkmids";

async function participant(label: string): Promise<Participant> {
  const p = await newParticipant(browser, label);
  frames.set(p, recordFrames(p.page));
  everyone.push(p);
  return p;
}

const framesOf = (p: Participant): FrameLog => {
  const f = frames.get(p);
  if (!f) throw new Error(`no frame log for ${p.label}`);
  return f;
};

function onFailureSaveEvidence(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, everyone);
    const summary = [...frames].map(([p, f]) => `${p.label}: ${f.received.map((m) => m.type).join(",")}`);
    console.error(
      `evidence in ${dir}\nframes received:\n${summary.join("\n")}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 60)}`,
    );
  });
}

/** The knock notification on `page` that names `name`. */
const knockFor = (p: Participant, name: string) => p.page.locator(msel.knock).filter({ hasText: name });

beforeAll(async () => {
  server = await startServer({ name: "e2e-lobby" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of everyone) await p.close();
  bystander?.terminate();
  await browser?.close();
  if (server) await server.stop();
});

describe.sequential("the lobby through the UI", () => {
  it("the moderator turns the lobby on in the participants pane; everyone in the room is told", async () => {
    onFailureSaveEvidence("lobby-on");
    mod = await participant("moderator");
    await clickJoin(mod.page, server.origin, room, MOD_NAME);
    modId = await waitForConference(mod.page);
    // Someone already in the meeting, with a chat message and a raised hand: what a waiting newcomer must not learn.
    bystander = await RawClient.connect(server.wsUrl);
    const joined = await bystander.request({ type: "join", v: 1, room, name: BYSTANDER_NAME }, 10_000);
    expect(joined.type).toBe("joined");
    expect(joined.you.role, "the UI participant came first and is moderator").toBe("participant");
    bystanderId = joined.you.id;
    expect(await bystander.request({ type: "chat.send", text: SECRET_CHAT, clientId: "b-1" })).toMatchObject({
      type: "ok",
    });
    expect(await bystander.request({ type: "hand.raise" })).toMatchObject({ type: "ok" });

    const from = framesOf(mod).mark();
    await setLobby(mod.page, true);
    await waitFor(
      () =>
        framesOf(mod)
          .received.slice(from)
          .find((f) => f.type === "room.updated" && f.settings?.lobby === true),
      { timeoutMs: 10_000, what: "room.updated {lobby: true} on the moderator's page" },
    );
    const update = await bystander.next((m) => m.type === "room.updated", 5000, "room.updated");
    expect(update.settings).toEqual({
      lobby: true,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    expect(framesOf(mod).sent.some((f) => f.type === "room.configure" && f.lobby === true)).toBe(true);
  });

  it("a newcomer lands on the lobby screen and receives nothing of the meeting: no names, chat, hands or media", async () => {
    onFailureSaveEvidence("lobby-waiting");
    newcomer = await participant("newcomer");
    await clickJoin(newcomer.page, server.origin, room, "Nora Newcomer");
    await newcomer.page.locator(msel.lobbyScreen).waitFor({ state: "visible", timeout: 20_000 });
    // The meeting goes on while Nora waits: a chat message, a hand, a microphone switch, the moderator's media.
    expect(
      await bystander.request({ type: "chat.send", text: `${SECRET_CHAT} (again)`, clientId: "b-2" }),
    ).toMatchObject({ type: "ok" });
    expect(await bystander.request({ type: "media.state", audio: false, video: false })).toMatchObject({
      type: "ok",
    });
    await knockFor(mod, "Nora Newcomer").waitFor({ state: "visible", timeout: 10_000 });
    await sleep(2000); // observation window: what would leak, would have arrived by now

    const f = framesOf(newcomer);
    const received = f.received.filter((m) => m.type !== "pong");
    expect(
      received.map((m) => m.type),
      "the only message a waiting page receives",
    ).toEqual(["lobby.waiting"]);
    expect(f.unparsable).toEqual([]);
    const text = JSON.stringify(f.received);
    for (const secret of [MOD_NAME, BYSTANDER_NAME, SECRET_CHAT, modId, bystanderId]) {
      expect(text, `frames leak "${secret}"`).not.toContain(secret);
    }
    const body = await newcomer.page.locator("body").textContent();
    expect(body).not.toContain(MOD_NAME);
    expect(body).not.toContain(BYSTANDER_NAME);
    expect(await newcomer.page.locator(sel.remoteTile).count(), "no remote tiles").toBe(0);
    const pcs = await pcSummary(newcomer.page);
    expect(pcs.negotiated, `negotiated peer connections while waiting: ${JSON.stringify(pcs)}`).toBe(0);
    expect(pcs.receiving, "no subscribe connection").toBe(0);
    expect(pcs.inboundPackets, "no media received").toBe(0);
  });

  it("the moderator sees the knock with the name and admits: the two see and hear each other", async () => {
    onFailureSaveEvidence("lobby-admit");
    const toast = knockFor(mod, "Nora Newcomer");
    await expect(toast.textContent()).resolves.toContain("Nora Newcomer");
    await toast.locator(msel.knockAdmit).click();
    newcomerId = await waitForConference(newcomer.page, 30_000);
    await toast.waitFor({ state: "detached", timeout: 10_000 });
    const joined = framesOf(newcomer).received.find((m) => m.type === "joined");
    expect(joined?.you?.id).toBe(newcomerId);
    expect(joined?.chat?.map((c: AnyMessage) => c.text)).toContain(SECRET_CHAT);

    await waitForRemoteSet(newcomer.page, [modId, bystanderId], 30_000);
    await waitForMediaFrom(newcomer.page, [modId], 40_000);
    await waitForRemoteSet(mod.page, [newcomerId, bystanderId], 30_000);
    await waitForMediaFrom(mod.page, [newcomerId], 40_000);
    const [onNewcomer, onMod] = await Promise.all([
      sampleGrowth(newcomer.page, 2000),
      sampleGrowth(mod.page, 2000),
    ]);
    const m = onNewcomer.get(modId);
    expect(m?.videoFramesDelta, "newcomer decodes the moderator's video").toBeGreaterThan(10);
    expect(m?.audioPacketsDelta, "newcomer receives the moderator's audio").toBeGreaterThan(20);
    const n = onMod.get(newcomerId);
    expect(n?.videoFramesDelta, "the moderator decodes the newcomer's video").toBeGreaterThan(10);
    expect(n?.audioPacketsDelta, "the moderator receives the newcomer's audio").toBeGreaterThan(20);
  });

  it("a third one is denied from the knock notification and sees the denied screen", async () => {
    onFailureSaveEvidence("lobby-deny");
    third = await participant("third");
    await clickJoin(third.page, server.origin, room, "Dan Denied");
    await third.page.locator(msel.lobbyScreen).waitFor({ state: "visible", timeout: 20_000 });
    const toast = knockFor(mod, "Dan Denied");
    await toast.waitFor({ state: "visible", timeout: 10_000 });
    await toast.locator(msel.knockDeny).click();
    await third.page.locator(msel.deniedScreen).waitFor({ state: "visible", timeout: 10_000 });
    await toast.waitFor({ state: "detached", timeout: 10_000 });
    expect(
      framesOf(third)
        .received.filter((m) => m.type !== "pong")
        .map((m) => m.type),
    ).toEqual(["lobby.waiting", "lobby.denied"]);
    // Nobody saw Dan.
    for (const p of [mod, newcomer]) {
      expect(
        framesOf(p).received.some(
          (m) => m.type === "participant.joined" && m.participant.name === "Dan Denied",
        ),
      ).toBe(false);
    }
    expect((await pcSummary(third.page)).negotiated).toBe(0);
  });
});

describe.sequential("the password through the UI", () => {
  it("the moderator sets a password (lobby off): the room shows as locked", async () => {
    onFailureSaveEvidence("password-set");
    await setLobby(mod.page, false);
    const from = framesOf(newcomer).mark();
    await setPassword(mod.page, PASSWORD);
    await mod.page.locator(msel.roomLocked).waitFor({ state: "visible", timeout: 10_000 });
    await waitFor(
      () =>
        framesOf(newcomer)
          .received.slice(from)
          .find((f) => f.type === "room.updated" && f.settings?.locked === true),
      { timeoutMs: 10_000, what: "room.updated {locked: true} on the newcomer's page" },
    );
    // Everyone sees the lock in the pane.
    await openParticipants(newcomer.page);
    await newcomer.page.locator(msel.roomLocked).waitFor({ state: "visible", timeout: 10_000 });
    // The password is never sent back to anyone.
    for (const p of [mod, newcomer]) expect(JSON.stringify(framesOf(p).received)).not.toContain(PASSWORD);
  });

  it("a newcomer is asked for it: a wrong one shows an error, the right one lets in", async () => {
    onFailureSaveEvidence("password-enter");
    await clickJoin(third.page, server.origin, room, "Pete Password");
    const dialog = third.page.locator(msel.passwordDialog);
    await dialog.waitFor({ state: "visible", timeout: 20_000 });
    expect(await third.page.locator(msel.passwordError).isVisible()).toBe(false);
    await third.page.locator(msel.passwordField).fill("not-the-password");
    await third.page.locator(msel.passwordSubmit).click();
    await third.page.locator(msel.passwordError).waitFor({ state: "visible", timeout: 10_000 });
    expect(((await third.page.locator(msel.passwordError).textContent()) ?? "").trim()).not.toBe("");
    expect(await third.page.locator(sel.conference).count()).toBe(0);
    await third.page.locator(msel.passwordField).fill(PASSWORD);
    await third.page.locator(msel.passwordSubmit).click();
    const thirdId = await waitForConference(third.page, 30_000);
    const errors = framesOf(third)
      .received.filter((m) => m.type === "error")
      .map((m) => m.code);
    expect(errors).toContain("password_wrong");
    await waitForRemoteSet(mod.page, [newcomerId, bystanderId, thirdId], 30_000);
    await waitForMediaFrom(third.page, [modId, newcomerId], 40_000);
  });

  it("the moderator removes the password: the next one enters without a dialog", async () => {
    onFailureSaveEvidence("password-remove");
    await openParticipants(mod.page);
    await mod.page.locator(msel.passwordRemove).click();
    await mod.page.locator(msel.roomLocked).waitFor({ state: "detached", timeout: 10_000 });
    // Make room on two cores: the third page leaves.
    await third.page.locator(sel.hangup).click();
    const late = await participant("late");
    await clickJoin(late.page, server.origin, room, "Lou Late");
    const lateId = await waitForConference(late.page, 30_000);
    expect(await late.page.locator(msel.passwordDialog).count()).toBe(0);
    expect(framesOf(late).received.find((m) => m.type === "joined")?.settings).toEqual({
      lobby: false,
      locked: false,
      e2ee: false,
      pollsByAnyone: false,
      recordingAllowed: true,
    });
    await mod.page.locator(tileOf(lateId)).waitFor({ state: "attached", timeout: 10_000 });
  });
});

describe("the pages", () => {
  it("logged no uncaught error", () => {
    const errors = everyone.flatMap((p) =>
      p.console.filter((l) => l.startsWith("[pageerror]")).map((l) => `${p.label} ${l}`),
    );
    expect(errors).toEqual([]);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
