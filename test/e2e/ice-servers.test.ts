/**
 * README "Configuration": ICE_SERVERS gives browsers the operator's own STUN/TURN servers (and no public
 * default). Two Chromium pages join through the real UI; the configured URLs reach them in `joined.iceServers`,
 * every RTCPeerConnection the app makes is configured with exactly those (the recorder of rtc.ts), and the
 * browser does use them: the two "STUN servers" are UDP sockets of this test on 127.0.0.1 that count the
 * Binding requests they receive (and answer none: nothing leaves loopback).
 */
import dgram from "node:dgram";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { describeServerLog } from "../helpers/log-health.js";
import { type ServerHandle, startServer, tail } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "./helpers/browser.js";
import { configuredIceServers } from "./helpers/rtc.js";
import { joinViaUi, waitForRemoteSet } from "./helpers/ui.js";
import { type FrameLog, recordFrames } from "./helpers/ws-frames.js";

/** A UDP socket on 127.0.0.1 that counts STUN Binding requests (RFC 8489: type 0x0001, the magic cookie). */
interface StunSink {
  url: string;
  bindingRequests: number;
  close(): void;
}

async function stunSink(): Promise<StunSink> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const sink: StunSink = {
    url: `stun:127.0.0.1:${socket.address().port}`,
    bindingRequests: 0,
    close: () => socket.close(),
  };
  socket.on("message", (msg) => {
    if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0001 && msg.readUInt32BE(4) === 0x2112a442)
      sink.bindingRequests++;
  });
  return sink;
}

let server: ServerHandle;
let browser: Browser;
const sinks: StunSink[] = [];
const people: { p: Participant; frames: FrameLog; id: string }[] = [];
const room = `e2e-ice-${Date.now().toString(36)}`;

beforeAll(async () => {
  sinks.push(await stunSink(), await stunSink());
  server = await startServer({
    name: "e2e-ice-servers",
    env: { ICE_SERVERS: sinks.map((s) => s.url).join(",") },
  });
  browser = await launchChromium();
  for (const name of ["Ana", "Bao"]) {
    const p = await newParticipant(browser, name);
    const frames = recordFrames(p.page);
    people.push({ p, frames, id: await joinViaUi(p.page, server.origin, room, name) });
  }
  // Each page receives the other: both its connections (publish and subscribe) exist.
  for (const [i, me] of people.entries()) {
    await waitForRemoteSet(me.p.page, [people[1 - i]?.id ?? ""]);
  }
});

afterAll(async () => {
  for (const { p } of people) await p.close();
  await browser?.close();
  for (const s of sinks) s.close();
  await server?.stop();
});

function onFailureSaveEvidence(): void {
  onTestFailed(async () => {
    const dir = await saveEvidence(
      "ice-servers",
      people.map(({ p }) => p),
    );
    console.error(`evidence in ${dir}\nserver log (tail):\n${tail(server.lines, 40)}`);
  });
}

describe("ICE_SERVERS", () => {
  it("reaches each page in joined.iceServers", () => {
    onFailureSaveEvidence();
    for (const { p, frames } of people) {
      const joined = frames.received.find((f) => f.type === "joined");
      expect(joined?.iceServers, p.label).toEqual([{ urls: sinks.map((s) => s.url) }]);
    }
  });

  it("configures every RTCPeerConnection of the app with exactly those servers", async () => {
    onFailureSaveEvidence();
    for (const { p } of people) {
      const perConnection = await waitFor(
        async () => {
          const servers = await configuredIceServers(p.page);
          return servers.length >= 2 ? servers : undefined;
        },
        { what: `${p.label}'s publish and subscribe connections` },
      );
      for (const urls of perConnection) expect(urls, p.label).toEqual(sinks.map((s) => s.url));
    }
  });

  it("is what the browser contacts: each server receives STUN Binding requests", async () => {
    onFailureSaveEvidence();
    await waitFor(() => sinks.every((s) => s.bindingRequests > 0), {
      timeoutMs: 15_000,
      what: "Binding requests at both servers",
    }).catch((error: Error) => {
      throw new Error(`${error.message}; received ${sinks.map((s) => s.bindingRequests).join(", ")}`);
    });
  });
});

describeServerLog(() => server);
