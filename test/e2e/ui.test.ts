/**
 * The UI contract around the call: home → prejoin navigation, the prejoin preview and toggles, the language of
 * the Join button, and display names rendered as text (never markup).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { joinRaw, type RawClient } from "../helpers/ws-client.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { joinViaUi, openPrejoin, sel, tileOf } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];
const sockets: RawClient[] = [];

async function person(label: string, locale = "en-US"): Promise<Participant> {
  const p = await newParticipant(browser, label, { locale });
  people.push(p);
  return p;
}

function evidenceOnFailure(tag: string): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(tag, people);
    console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
  });
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-ui" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("home and prejoin", () => {
  it("home: typing a room name and pressing Go opens that room's prejoin screen", async () => {
    evidenceOnFailure("ui-home");
    const p = await person("home");
    await p.page.goto(`${server.origin}/`);
    await p.page.locator(sel.roomName).fill("Weekly-Sync");
    await p.page.locator(sel.go).click();
    await p.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 10_000 });
    expect(new URL(p.page.url()).pathname.toLowerCase()).toBe("/weekly-sync");
  });

  it("prejoin: the preview shows the camera, camera toggle is pressed, and toggles off and on", async () => {
    evidenceOnFailure("ui-prejoin");
    const p = await person("prejoin");
    await openPrejoin(p.page, server.origin, "prejoin-room");
    const camera = p.page.locator(sel.prejoinCamera);
    await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "true", {
      timeoutMs: 10_000,
      what: "prejoin camera aria-pressed=true",
    });
    const preview = async () =>
      p.page.locator(sel.preview).evaluate((v: HTMLVideoElement) => {
        const so = v.srcObject as MediaStream | null;
        const track = so?.getVideoTracks()[0];
        return { live: track?.readyState === "live" && track.enabled, width: v.videoWidth };
      });
    await waitFor(
      async () => {
        const s = await preview();
        return s.live && s.width > 0;
      },
      { timeoutMs: 10_000, what: "a live, playing camera preview" },
    );
    expect(await p.page.locator(sel.prejoinMic).getAttribute("aria-pressed")).toBe("true");

    await camera.click();
    await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "false", {
      timeoutMs: 5000,
      what: "camera toggled off",
    });
    await camera.click();
    await waitFor(async () => (await camera.getAttribute("aria-pressed")) === "true", {
      timeoutMs: 5000,
      what: "camera toggled on again",
    });
  });

  it("the Join button speaks the browser's language: English and French", async () => {
    evidenceOnFailure("ui-language");
    const en = await person("english", "en-US");
    const fr = await person("french", "fr-FR");
    await openPrejoin(en.page, server.origin, "lang-room");
    await openPrejoin(fr.page, server.origin, "lang-room");
    expect((await en.page.locator(sel.join).textContent())?.trim()).toBe("Join meeting");
    expect((await fr.page.locator(sel.join).textContent())?.trim()).toBe("Rejoindre la réunion");

    // The language picker switches the English page to French.
    const select = en.page.locator(sel.language);
    const frValue = await select.evaluate(
      (s: HTMLSelectElement) =>
        Array.from(s.options).find((o) => /^fr\b/i.test(o.value) || /fran/i.test(o.textContent ?? ""))?.value,
    );
    expect(frValue, "a French option in the language picker").toBeTruthy();
    await select.selectOption(frValue as string);
    await waitFor(
      async () => (await en.page.locator(sel.join).textContent())?.trim() === "Rejoindre la réunion",
      {
        timeoutMs: 5000,
        what: "the Join button in French after picking French",
      },
    );
  });
});

describe("names are text, never markup", () => {
  it("a hostile display name is shown verbatim and runs nothing", async () => {
    evidenceOnFailure("ui-names");
    const room = `names-${Date.now().toString(36)}`;
    const p = await person("viewer");
    await joinViaUi(p.page, server.origin, room, "Viewer");
    const hostile = `<img src=x onerror="window.__pwned=1"><b>Bold</b>`;
    const { client, joined } = await joinRaw(server.wsUrl, room, hostile);
    sockets.push(client);
    const tile = p.page.locator(tileOf(joined.you.id));
    await tile.waitFor({ state: "attached", timeout: 10_000 });
    await waitFor(async () => (await tile.locator(sel.tileName).textContent())?.includes("Bold"), {
      timeoutMs: 5000,
      what: "the hostile name on its tile",
    });
    expect((await tile.locator(sel.tileName).textContent())?.trim()).toBe(hostile);
    expect(await tile.locator("img, b").count()).toBe(0);
    expect(await p.page.evaluate("window.__pwned")).toBeUndefined();
  });

  it("a name typed with accents and extra spaces reaches the others normalised", async () => {
    evidenceOnFailure("ui-name-normalised");
    const room = `accents-${Date.now().toString(36)}`;
    const { client: observer } = await joinRaw(server.wsUrl, room, "Observer");
    sockets.push(observer);
    const p = await person("accents");
    await joinViaUi(p.page, server.origin, room, "  Zoe\u0308   \u00c5sa ");
    const announced = await observer.next(
      (m) => m.type === "participant.joined",
      10_000,
      "participant.joined",
    );
    expect(announced.participant.name).toBe("Zo\u00eb \u00c5sa");
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
