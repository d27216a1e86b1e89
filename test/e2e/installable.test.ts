/**
 * Palabre installable on phones (issue 26), in real Chromium: the browser finds the manifest and reports no
 * installability error once the service worker controls the page; after a meeting (WebSocket, media, /healthz)
 * Cache Storage holds the build's static files and nothing else; offline, a meeting link shows the "no
 * connection" page in the browser's language; and nothing offers itself on load (no dialog, no focus taken).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { REPO_ROOT } from "../helpers/paths.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchChromium,
  newParticipant,
  type Participant,
  saveEvidence,
} from "./helpers/browser.js";
import { outboundSummary } from "./helpers/rtc.js";
import { joinViaUi, openPrejoin, sel } from "./helpers/ui.js";

let server: ServerHandle;
let browser: Browser;
const people: Participant[] = [];

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

/** The files of the client build the tests run against, as URL paths ("/assets/index-….js"). */
function builtFiles(): string[] {
  const root = path.join(REPO_ROOT, "dist/client");
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? walk(p) : [`/${path.relative(root, p).split(path.sep).join("/")}`];
    });
  return walk(root);
}

/** Waits until the service worker controls the page (its first visit: once it has installed and claimed it). */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** Every entry of every cache of the page's Cache Storage, as the page reads it. */
function cachedEntries(page: Page): Promise<{ cache: string; url: string }[]> {
  return page.evaluate(async () => {
    const out: { cache: string; url: string }[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) out.push({ cache: name, url: request.url });
    }
    return out;
  });
}

/** What the page shows by itself: open dialogs, whether focus is still on the body, install offers shown. */
function quietPage(page: Page): Promise<{ dialogs: number; bodyFocused: boolean; offers: number }> {
  return page.evaluate(() => ({
    dialogs: document.querySelectorAll("dialog[open], [role=dialog], [role=alertdialog]").length,
    bodyFocused: document.activeElement === document.body || document.activeElement === null,
    offers: Array.from(document.querySelectorAll("[data-testid=install-app]")).filter(
      (e) => e.getClientRects().length > 0,
    ).length,
  }));
}

beforeAll(async () => {
  server = await startServer({ name: "e2e-installable" });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of people) await p.close();
  await browser?.close();
  if (server) await server.stop();
});

describe("installable", () => {
  it("the server sends the manifest and the worker as themselves, never the app's page", async () => {
    const manifest = await fetch(`${server.origin}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("content-type")).toBe("application/manifest+json");
    const worker = await fetch(`${server.origin}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(worker.headers.get("cache-control")).toBe("no-cache");
    expect(await worker.text()).toContain("addEventListener");
    const csp = worker.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("manifest-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("script-src 'self'");
    // A worker name that is not ours is a 404, not the app (which any /<room> path gets).
    expect((await fetch(`${server.origin}/service-worker.js`)).status).toBe(404);
  });

  it("Chromium finds the manifest without errors and reports no installability error", async () => {
    evidenceOnFailure("installable-criteria");
    // A profile on disk: Chromium installs nothing from an incognito context (Playwright's new contexts are).
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-install-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "en-US",
      permissions: ["camera", "microphone"],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await openPrejoin(page, server.origin, "install-criteria");
      await controlled(page);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest", {});
      expect(manifest.errors).toEqual([]);
      expect(manifest.url).toBe(`${server.origin}/manifest.webmanifest`);
      expect(JSON.parse(manifest.data ?? "{}")).toMatchObject({
        id: "/",
        name: "Palabre",
        start_url: "/",
        scope: "/",
        display: "standalone",
      });
      const installability = await cdp.send("Page.getInstallabilityErrors");
      expect(installability.installabilityErrors).toEqual([]);
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it("after a meeting, Cache Storage holds the build's static files and nothing else", async () => {
    evidenceOnFailure("installable-cache");
    const p = await person("meeting");
    await openPrejoin(p.page, server.origin, "install-cache");
    await controlled(p.page);
    // Now through the worker: the page, the socket, the media, and what the app and a curious page may fetch.
    await joinViaUi(p.page, server.origin, "install-cache", "Camille");
    expect(await p.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(p.websockets.some((u) => new URL(u).pathname === "/ws")).toBe(true);
    await waitFor(async () => (await outboundSummary(p.page)).videoFrames > 30, {
      timeoutMs: 20_000,
      what: "the page sending video",
    });
    const fetched = await p.page.evaluate(async () => {
      const statuses = [];
      for (const url of ["/healthz", "/metrics", "/install-cache", "/manifest.webmanifest?x=1"])
        statuses.push((await fetch(url)).status);
      return statuses;
    });
    expect(fetched[0]).toBe(200);

    const allowed = new Set(
      builtFiles()
        .filter((f) => !/\.(br|gz)$/.test(f) && f !== "/sw.js")
        .map((f) => `${server.origin}${f}`),
    );
    const entries = await cachedEntries(p.page);
    console.log(
      `Cache Storage after the meeting:\n${entries.map((e) => `  ${e.cache} ${e.url}`).join("\n")}`,
    );
    // Not vacuous: the worker did keep the app's script, in one cache named after the build.
    const script = [...allowed].find((u) => /\/assets\/index-[\w-]+\.js$/.test(u));
    expect(entries.map((e) => e.url)).toContain(script);
    expect(new Set(entries.map((e) => e.cache)).size).toBe(1);
    expect(entries[0]?.cache).toMatch(/^palabre-shell-[0-9a-f]{12}$/);
    expect(entries.filter((e) => !allowed.has(e.url))).toEqual([]);
  });

  it("a new build's worker replaces the old one and deletes the old build's cache", async () => {
    evidenceOnFailure("installable-update");
    // A copy of the build, served by a server of its own, so that this test can change it under the page.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-build-"));
    fs.cpSync(path.join(REPO_ROOT, "dist/client"), dir, { recursive: true });
    for (const f of ["sw.js.br", "sw.js.gz"]) fs.rmSync(path.join(dir, f), { force: true });
    const own = await startServer({ name: "e2e-installable-update", env: { CLIENT_DIR: dir } });
    try {
      const p = await person("updater");
      await openPrejoin(p.page, own.origin, "install-update");
      await controlled(p.page);
      const cacheNames = () => p.page.evaluate(() => caches.keys());
      const before = await cacheNames();
      expect(before).toHaveLength(1);

      // The next build: the same worker with another version (what a change to any file of the build makes).
      const worker = fs.readFileSync(path.join(dir, "sw.js"), "utf8");
      const version = (before[0] ?? "").replace("palabre-shell-", "");
      expect(worker).toContain(version);
      fs.writeFileSync(path.join(dir, "sw.js"), worker.replaceAll(version, "0123456789ab"));
      await p.page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      await waitFor(async () => (await cacheNames()).join() === "palabre-shell-0123456789ab", {
        timeoutMs: 20_000,
        what: "only the new build's cache",
      });
      // The new worker filled its cache with the build's files, and controls the page.
      const entries = await cachedEntries(p.page);
      expect(entries.some((e) => /\/assets\/index-[\w-]+\.js$/.test(e.url))).toBe(true);
      await p.page.reload();
      await p.page.locator(sel.displayName).waitFor({ state: "visible" });
      expect(await p.page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe("activated");
    } finally {
      await own.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [locale, lang, title, retry] of [
    ["fr-FR", "fr", "Pas de connexion", "Réessayer"],
    ["en-US", "en", "No connection", "Try again"],
  ] as const) {
    it(`offline, a meeting link shows the "no connection" page (${locale})`, async () => {
      evidenceOnFailure(`installable-offline-${lang}`);
      const p = await person(`offline-${lang}`, locale);
      await openPrejoin(p.page, server.origin, "install-first-visit");
      await controlled(p.page);

      await p.context.setOffline(true);
      await p.page.goto(`${server.origin}/install-offline-${lang}`);
      const offline = p.page.locator("[data-testid=offline]");
      await offline.waitFor({ state: "visible", timeout: 10_000 });
      expect(await p.page.locator("h1").textContent()).toBe(title);
      expect(await p.page.evaluate(() => document.documentElement.lang)).toBe(lang);
      // Not the app: no name field, no Join button, no script that could try to join.
      expect(await p.page.locator(sel.displayName).count()).toBe(0);
      expect(await p.page.locator("script").count()).toBe(0);
      // The app's look, its stylesheet from the cache (--bg #101216).
      expect(await p.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
        "rgb(16, 18, 22)",
      );

      // Back online, "Try again" opens the meeting's pre-join screen.
      await p.context.setOffline(false);
      await p.page.getByRole("link", { name: retry }).click();
      await p.page.locator(sel.displayName).waitFor({ state: "visible", timeout: 20_000 });
      expect(new URL(p.page.url()).pathname).toBe(`/install-offline-${lang}`);
    });
  }

  it("nothing offers itself on load: no dialog, nothing focused, no offer where the browser cannot install", async () => {
    evidenceOnFailure("installable-quiet");
    // Playwright's contexts are incognito: Chromium says it cannot install there, and no offer may show.
    const p = await person("quiet");
    for (const url of [`${server.origin}/`, `${server.origin}/install-quiet`]) {
      await p.page.goto(url);
      await p.page.locator(url.endsWith("/") ? sel.roomName : sel.displayName).waitFor({ state: "visible" });
      await controlled(p.page);
      // Time for a prompt that would come with the worker's activation or the browser's install check.
      await p.page.waitForTimeout(1500);
      expect(await quietPage(p.page), url).toEqual({ dialogs: 0, bodyFocused: true, offers: 0 });
    }
  });

  it("where the browser can install, the offer is an item on the home page and in the ⋯ menu, not a prompt", async () => {
    evidenceOnFailure("installable-offer");
    // Chromium sends beforeinstallprompt at once with this switch, instead of after some use of the site.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "palabre-offer-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, "--bypass-app-banner-engagement-checks"],
      locale: "en-US",
      viewport: { width: 1024, height: 700 },
      permissions: ["camera", "microphone"],
    });
    try {
      await context.addInitScript(() => {
        addEventListener("beforeinstallprompt", () => {
          (window as { __offered?: number }).__offered = performance.now();
        });
      });
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${server.origin}/`);
      await controlled(page);
      await page.reload();
      await page.waitForFunction(() => (window as { __offered?: number }).__offered !== undefined, null, {
        timeout: 20_000,
      });
      const offer = page.locator("[data-testid=install-app]");
      await offer.waitFor({ state: "visible", timeout: 5000 });
      expect(await offer.textContent()).toContain("Install the app");
      expect(await quietPage(page)).toEqual({ dialogs: 0, bodyFocused: true, offers: 1 });

      await joinViaUi(page, server.origin, "install-offer", "Noor");
      expect(await quietPage(page)).toMatchObject({ dialogs: 0, offers: 0 });
      await page.locator("[data-testid=more-menu]").click();
      await page
        .locator("[data-testid=more-menu-panel] [data-testid=install-app]")
        .waitFor({ state: "visible" });
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
