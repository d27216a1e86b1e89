/**
 * Chromium for the deployment test (deploy.test.ts): launched with a HOME whose NSS database trusts the test CA
 * (no certificate or insecure-origin flag of any kind), optionally inside a network namespace (through a
 * wrapper executable), and pages whose peer connections are recorded (window.__pcs, so the readers of rtc.ts
 * work) together with their `icecandidateerror`s. The recorder of rtc.ts keeps loopback candidates only; here a
 * page signals its relay candidates too, and its host ones on our test addresses (127/8, 198.18.0.0/15):
 * never the machine's own interface address.
 */
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page, type Response } from "playwright-core";
import { safeJson, waitFor } from "../../helpers/wait.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, type Participant, saveEvidence } from "./browser.js";
import { readTiles, selectedCandidatePairs } from "./rtc.js";
import { joinFromPrejoin, openPrejoin } from "./ui.js";

/** Flags that would make an untrusted certificate or an insecure origin pass: none of them is ever given. */
export const FORBIDDEN_FLAGS =
  /ignore-certificate-errors|unsafely-treat-insecure-origin-as-secure|allow-insecure-localhost|allow-running-insecure-content/;

/** Chromium whose HOME (hence NSS database) is `home`; `executablePath`: a wrapper, e.g. into a namespace. */
export function launchWithHome(home: string, executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
}

/** The command lines (argv) of the running processes whose HOME is `home`: a browser's and its children's. */
export function processesWithHome(home: string): string[][] {
  const found: string[][] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) continue;
      found.push(fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** The browser process's own command line (the one Playwright drives), among those of `home`. */
export function browserCommandLines(home: string): string[] {
  return processesWithHome(home)
    .filter((args) => args.includes("--remote-debugging-pipe"))
    .map((args) => args.join(" "));
}

const RECORDER = `(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || window.__pcs) return;
  const pcs = [];
  const errors = [];
  Object.defineProperty(window, "__pcs", { value: pcs });
  Object.defineProperty(window, "__iceErrors", { value: errors });
  const ours = (c) => c.type === "relay" || /^(127\\.|198\\.1[89]\\.)/.test(c.address || "");
  const Wrapped = new Proxy(Original, {
    construct(target, args, newTarget) {
      const pc = Reflect.construct(target, args, newTarget);
      pcs.push(pc);
      // Registered before the app's own listeners.
      pc.addEventListener("icecandidate", (ev) => {
        if (ev.candidate && ev.candidate.candidate && !ours(ev.candidate)) ev.stopImmediatePropagation();
      });
      pc.addEventListener("icecandidateerror", (ev) => {
        errors.push({ url: ev.url, code: ev.errorCode, text: ev.errorText, address: ev.address });
      });
      return pc;
    },
  });
  window.RTCPeerConnection = Wrapped;
})();`;

/** A participant (browser.ts's shape, so saveEvidence takes it) with the recorder above. */
export async function deployParticipant(browser: Browser, label: string): Promise<Participant> {
  const context = await browser.newContext({
    locale: "en-US",
    viewport: { width: 1024, height: 700 },
    permissions: ["camera", "microphone"],
  });
  await context.addInitScript(RECORDER);
  const participant: Participant = {
    label,
    context,
    page: await context.newPage(),
    requests: [],
    websockets: [],
    documents: [],
    console: [],
    close: () => context.close().catch(() => {}),
  };
  context.on("request", (req) => {
    participant.requests.push(req.url());
  });
  context.on("response", (res) => {
    if (res.request().resourceType() === "document")
      participant.documents.push({ url: res.url(), status: res.status(), headers: res.headers() });
  });
  participant.page.on("websocket", (ws) => participant.websockets.push(ws.url()));
  participant.page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning")
      participant.console.push(`[${msg.type()}] ${msg.text()}`);
  });
  participant.page.on("pageerror", (err) => participant.console.push(`[pageerror] ${err.message}`));
  return participant;
}

/** Opens `origin`/`room`, joins through the UI as `name`; returns the document's response and the local id. */
export async function joinThroughFront(
  page: Page,
  origin: string,
  room: string,
  name: string,
): Promise<{ response: Response; id: string }> {
  const response = await openPrejoin(page, origin, room);
  if (!response) throw new Error("no response for the page");
  return { response, id: await joinFromPrejoin(page, name) };
}

export interface SelectedPair {
  state: string;
  localType: string;
  /** How the browser reaches its TURN server for a relay candidate: "udp", "tcp" or "tls". */
  relayProtocol: string | null;
  local: string;
  remoteType: string;
  remote: string;
}

/** Per recorded peer connection that is connected: its selected candidate pair, addresses with their ports. */
export async function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return (await selectedCandidatePairs(page)).map((p) => ({
    state: p.state,
    localType: p.localType,
    relayProtocol: p.relayProtocol,
    local: `${p.local}:${p.localPort}`,
    remoteType: p.remoteType,
    remote: `${p.remote}:${p.remotePort}`,
  }));
}

/** The peer connections' states, ICE servers (credentials masked) and candidate errors: evidence. */
export async function iceReport(page: Page): Promise<unknown> {
  return page
    .evaluate(`(() => ({
      pcs: (window.__pcs || []).map((pc) => ({ connection: pc.connectionState, ice: pc.iceConnectionState,
        servers: (pc.getConfiguration().iceServers || []).map((s) => ({ urls: s.urls, username: s.username })) })),
      errors: window.__iceErrors || [],
    }))()`)
    .catch((error: Error) => `unreadable: ${error.message}`);
}

/** The ICE servers (with their credentials) the app configured on the page's first peer connection. */
export async function configuredServers(page: Page): Promise<RTCIceServer[]> {
  return waitFor(
    async () => {
      const servers = (await page.evaluate(
        `(() => { const pc = (window.__pcs || [])[0]; return pc ? pc.getConfiguration().iceServers : null; })()`,
      )) as RTCIceServer[] | null;
      return servers ?? undefined;
    },
    { what: "a peer connection of the app" },
  );
}

/** Waits until `page` has decoded `by` more video frames from participant `id` than now; returns how many. */
export async function framesGrow(page: Page, id: string, by: number): Promise<number> {
  const frames = async () =>
    (await readTiles(page)).find((t) => t.participantId === id)?.video?.framesDecoded ?? 0;
  const start = await frames();
  return waitFor(
    async () => {
      const n = await frames();
      return n >= start + by ? n - start : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, what: `${by} more frames decoded from ${id}` },
  );
}

/**
 * Screenshots and consoles (saveEvidence), each page's connections, candidate errors and selected pairs, and
 * `logs` (the programs' log tails, the firewall's counters), under test-results/e2e/deploy-<tag>/.
 */
export async function saveDeployEvidence(tag: string, people: Participant[], logs: string[]): Promise<void> {
  const where = await saveEvidence(`deploy-${tag}`, people);
  const pages: string[] = [];
  for (const p of people) {
    const pairs = p.page.isClosed() ? [] : await selectedPairs(p.page).catch(() => []);
    pages.push(`${p.label}: ${safeJson(await iceReport(p.page))}
  pairs ${safeJson(pairs)}`);
  }
  const text = [...logs, ...pages].join("\n\n");
  fs.writeFileSync(path.join(where, "deploy.txt"), `${text}\n`);
  console.error(`evidence in ${where}\n${text}`);
}

/**
 * The relay candidates a page gathers with only `server` to use (iceTransportPolicy "relay"): Chromium's own
 * TURN client allocating with those credentials. Gathering ends (or 10 s pass) before they are counted.
 */
export async function relayCandidates(page: Page, server: RTCIceServer): Promise<string[]> {
  return page.evaluate(async (s) => {
    const pc = new RTCPeerConnection({ iceServers: [s], iceTransportPolicy: "relay" });
    const found: string[] = [];
    pc.onicecandidate = (e) => {
      if (e.candidate?.type === "relay") found.push(`${e.candidate.address}:${e.candidate.port}`);
    };
    const done = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      setTimeout(resolve, 10_000);
    });
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    pc.close();
    return found;
  }, server);
}
