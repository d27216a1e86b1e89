/**
 * What a first visit costs over the wire, measured in real Chromium: the bytes the network stack received (headers
 * and body, from CDP's Network.loadingFinished) for the JavaScript and CSS of a room page opened with an empty
 * cache. The target (80 KB) is the "meeting polish" issue's: on a slow link the app must not take long to appear.
 * The figures are printed per file, next to the uncompressed size, so a growing bundle shows before it fails.
 */
import type { CDPSession } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { openPrejoin } from "./helpers/ui.js";

/** Bytes (1 KB = 1000 bytes, the stricter reading) for the JS and CSS of the first load, headers included. */
const BUDGET_BYTES = 80_000;

interface Loaded {
  url: string;
  type: string;
  encoding: string;
  /** Bytes received for it, headers included (undefined until it finished loading). */
  wire?: number;
}

let server: ServerHandle;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let person: Participant | undefined;

beforeAll(async () => {
  server = await startServer({ name: "e2e-transfer-size" });
  browser = await launchChromium();
});

afterAll(async () => {
  await person?.close();
  await browser?.close();
  if (server) await server.stop();
});

/** Records every response of the page and, once it has finished loading, how many bytes it took. */
async function recordNetwork(cdp: CDPSession): Promise<Map<string, Loaded>> {
  const loaded = new Map<string, Loaded>();
  cdp.on("Network.responseReceived", (e) => {
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    loaded.set(e.requestId, {
      url: e.response.url,
      type: e.type ?? "",
      encoding: String(headers["content-encoding"] ?? "identity"),
    });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const entry = loaded.get(e.requestId);
    if (entry) entry.wire = e.encodedDataLength;
  });
  await cdp.send("Network.enable");
  // A first visit: nothing from the HTTP cache (the context is new anyway; this makes it explicit).
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  return loaded;
}

describe("the first load of a room page", () => {
  it(`sends at most ${BUDGET_BYTES / 1000} KB of JavaScript and CSS over the wire`, async () => {
    onTestFailed(async () => {
      const dir = await saveEvidence("transfer-size", person ? [person] : []);
      console.error(`evidence in ${dir}\nserver log ${server.logFile} (tail):\n${tail(server.lines, 40)}`);
    });
    person = await newParticipant(browser, "visitor");
    const cdp = await person.context.newCDPSession(person.page);
    const loaded = await recordNetwork(cdp);

    // The app showing its prejoin screen proves the compressed files were decoded and run.
    await openPrejoin(person.page, server.origin, "transfer-size-room");
    const assets = () => [...loaded.values()].filter((l) => l.type === "Script" || l.type === "Stylesheet");
    await waitFor(() => assets().length > 0 && assets().every((l) => l.wire !== undefined), {
      timeoutMs: 10_000,
      what: "every script and stylesheet finished loading",
    });

    // The uncompressed sizes, as the browser decoded them (what went over the wire before compression).
    const decoded = new Map<string, number>(
      await person.page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((e) => [e.name, (e as PerformanceResourceTiming).decodedBodySize] as [string, number]),
      ),
    );
    const rows = assets().map((l) => ({
      file: new URL(l.url).pathname,
      encoding: l.encoding,
      wireBytes: l.wire ?? 0,
      uncompressedBytes: decoded.get(l.url) ?? Number.NaN,
    }));
    const total = rows.reduce((sum, r) => sum + r.wireBytes, 0);
    const uncompressed = rows.reduce((sum, r) => sum + r.uncompressedBytes, 0);
    console.log(
      `first load, JS+CSS over the wire: ${total} bytes (${(total / 1000).toFixed(1)} KB; uncompressed ` +
        `${uncompressed} bytes, budget ${BUDGET_BYTES})\n` +
        rows
          .map(
            (r) =>
              `  ${r.file}  ${r.encoding}  ${r.wireBytes} bytes on the wire, ${r.uncompressedBytes} decoded`,
          )
          .join("\n"),
    );

    expect(rows.some((r) => r.file.endsWith(".js"))).toBe(true);
    expect(rows.some((r) => r.file.endsWith(".css"))).toBe(true);
    // Chromium accepts brotli (also over http://): every file should have come as brotli.
    expect(rows.map((r) => [r.file, r.encoding])).toEqual(rows.map((r) => [r.file, "br"]));
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});

// Last: judges every line the server printed during the file's tests.
describeServerLog(() => server);
