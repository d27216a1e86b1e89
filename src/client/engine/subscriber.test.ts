/**
 * The subscriber against a scripted stand-in for RTCPeerConnection (Node has none): the "SDP" is a JSON list
 * of m-lines, which is all the mapping logic looks at through the transceivers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SignalClient } from "../signal/signal-client.js";
import { type RemoteTracks, Subscriber } from "./subscriber.js";

interface MLine {
  mid: string;
  kind: "audio" | "video";
  /** false: port 0, its sender left */
  active: boolean;
}

const log: string[] = [];

class FakeTransceiver {
  currentDirection: string | null = null;
  readonly receiver: { track: { kind: string; id: string } };
  constructor(
    public mid: string,
    kind: string,
  ) {
    this.receiver = { track: { kind, id: `track-${mid}-${Math.random().toString(36).slice(2, 6)}` } };
  }
}

class FakePc {
  static last: FakePc | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  private readonly listeners = new Map<string, ((ev: unknown) => void)[]>();
  connectionState = "new";
  constructor(readonly config: RTCConfiguration) {
    FakePc.last = this;
  }
  addEventListener(type: string, fn: (ev: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  private fire(type: string, ev: unknown) {
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }
  async setRemoteDescription(desc: { sdp: string }) {
    log.push("srd");
    await new Promise((r) => setTimeout(r, 2));
    for (const line of JSON.parse(desc.sdp) as MLine[]) {
      let t = this.transceivers.find((x) => x.mid === line.mid && x.currentDirection !== "stopped");
      if (!line.active) {
        if (t) t.currentDirection = "inactive";
        continue;
      }
      const fresh = !t || t.currentDirection === "inactive";
      if (!t) {
        t = new FakeTransceiver(line.mid, line.kind);
        this.transceivers.push(t);
      }
      t.currentDirection = "recvonly";
      if (fresh) this.fire("track", { transceiver: t, track: t.receiver.track });
    }
  }
  async createAnswer() {
    return { type: "answer", sdp: "answer-sdp" };
  }
  async setLocalDescription() {
    log.push("sld");
    setTimeout(() => {
      this.fire("icecandidate", {
        candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 },
      });
      this.fire("icecandidate", { candidate: null });
    }, 0);
  }
  getTransceivers() {
    return this.transceivers;
  }
  close() {}
}

function fakeSignal() {
  const request = vi.fn(async (msg: { type: string }) => {
    log.push(`request ${msg.type}`);
    return { type: "ok" };
  });
  const send = vi.fn((msg: { type: string; candidate: unknown }) => {
    log.push(`send ${msg.type} ${msg.candidate === null ? "end" : "candidate"}`);
  });
  return { signal: { request, send } as unknown as SignalClient, request, send };
}

const offer = (lines: MLine[]) => JSON.stringify(lines);
const on = (mid: string, kind: "audio" | "video"): MLine => ({ mid, kind, active: true });
const off = (mid: string, kind: "audio" | "video"): MLine => ({ mid, kind, active: false });

describe("Subscriber", () => {
  let reports: Map<string, RemoteTracks>;
  let calls: string[];
  const listener = (id: string, tracks: RemoteTracks) => {
    reports.set(id, tracks);
    calls.push(id);
  };

  beforeEach(() => {
    log.length = 0;
    reports = new Map();
    calls = [];
    vi.stubGlobal("RTCPeerConnection", FakePc);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("maps each m-line to its participant, answers, then trickles", async () => {
    const { signal, request } = fakeSignal();
    const sub = new Subscriber(signal, [{ urls: ["turn:turn.example.org"] }], listener, () => {});
    await sub.handleOffer(offer([on("0", "audio"), on("1", "video"), on("2", "audio"), on("3", "video")]), [
      { mid: "0", participantId: "alice", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "alice", kind: "video", source: "camera" },
      { mid: "2", participantId: "bob", kind: "audio", source: "microphone" },
      { mid: "3", participantId: "bob", kind: "video", source: "camera" },
    ]);
    await new Promise((r) => setTimeout(r, 5));
    const pc = FakePc.last as FakePc;
    expect(pc.config.iceServers).toEqual([{ urls: ["turn:turn.example.org"] }]);
    expect(reports.get("alice")?.audio).toBe(pc.transceivers[0]?.receiver.track);
    expect(reports.get("alice")?.video).toBe(pc.transceivers[1]?.receiver.track);
    expect(reports.get("bob")?.video).toBe(pc.transceivers[3]?.receiver.track);
    expect(request).toHaveBeenCalledWith({
      type: "subscribe.answer",
      jsep: { type: "answer", sdp: "answer-sdp" },
    });
    // Candidates only after the answer went out; the end-of-candidates marker last.
    expect(log.indexOf("request subscribe.answer")).toBeLessThan(log.indexOf("send trickle candidate"));
    expect(log.at(-1)).toBe("send trickle end");
  });

  it("drops the tracks of m-lines no longer in `streams`, and maps a reused mid to its new owner", async () => {
    const { signal } = fakeSignal();
    const sub = new Subscriber(signal, [], listener, () => {});
    await sub.handleOffer(offer([on("0", "audio"), on("1", "video"), on("2", "audio"), on("3", "video")]), [
      { mid: "0", participantId: "alice", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "alice", kind: "video", source: "camera" },
      { mid: "2", participantId: "bob", kind: "audio", source: "microphone" },
      { mid: "3", participantId: "bob", kind: "video", source: "camera" },
    ]);
    calls.length = 0;
    await sub.handleOffer(offer([off("0", "audio"), off("1", "video"), on("2", "audio"), on("3", "video")]), [
      { mid: "2", participantId: "bob", kind: "audio", source: "microphone" },
      { mid: "3", participantId: "bob", kind: "video", source: "camera" },
    ]);
    expect(calls).toEqual(["alice"]);
    expect(reports.get("alice")).toEqual({});
    expect(sub.tracksOf("alice")).toEqual({});
    expect(sub.tracksOf("bob").video).toBeDefined();

    await sub.handleOffer(offer([on("0", "audio"), on("1", "video"), on("2", "audio"), on("3", "video")]), [
      { mid: "0", participantId: "carol", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "carol", kind: "video", source: "camera" },
      { mid: "2", participantId: "bob", kind: "audio", source: "microphone" },
      { mid: "3", participantId: "bob", kind: "video", source: "camera" },
    ]);
    const pc = FakePc.last as FakePc;
    expect(reports.get("carol")?.video).toBe(pc.transceivers[1]?.receiver.track);
    expect(reports.get("alice")).toEqual({});
  });

  it("tells a participant's camera from their shared screen (and its sound) by the declared source", async () => {
    const { signal } = fakeSignal();
    const sub = new Subscriber(signal, [], listener, () => {});
    await sub.handleOffer(offer([on("0", "audio"), on("1", "video"), on("2", "video"), on("3", "audio")]), [
      { mid: "0", participantId: "ann", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "ann", kind: "video", source: "camera" },
      { mid: "2", participantId: "ann", kind: "video", source: "screen" },
      { mid: "3", participantId: "ann", kind: "audio", source: "screen_audio" },
    ]);
    const pc = FakePc.last as FakePc;
    const ann = reports.get("ann");
    expect(ann?.audio).toBe(pc.transceivers[0]?.receiver.track);
    expect(ann?.video).toBe(pc.transceivers[1]?.receiver.track);
    expect(ann?.screen).toBe(pc.transceivers[2]?.receiver.track);
    expect(ann?.screenAudio).toBe(pc.transceivers[3]?.receiver.track);

    // The screen's m-lines go away (she left and came back without sharing): the camera stays.
    calls.length = 0;
    await sub.handleOffer(offer([on("0", "audio"), on("1", "video"), off("2", "video"), off("3", "audio")]), [
      { mid: "0", participantId: "ann", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "ann", kind: "video", source: "camera" },
    ]);
    expect(calls).toEqual(["ann"]);
    expect(reports.get("ann")?.screen).toBeUndefined();
    expect(reports.get("ann")?.screenAudio).toBeUndefined();
    expect(reports.get("ann")?.video).toBe(pc.transceivers[1]?.receiver.track);
  });

  it("never lets two offers overlap", async () => {
    const { signal } = fakeSignal();
    const sub = new Subscriber(signal, [], listener, () => {});
    const first = sub.handleOffer(offer([on("0", "audio")]), [
      { mid: "0", participantId: "a", kind: "audio", source: "microphone" },
    ]);
    const second = sub.handleOffer(offer([on("0", "audio"), on("1", "video")]), [
      { mid: "0", participantId: "a", kind: "audio", source: "microphone" },
      { mid: "1", participantId: "a", kind: "video", source: "camera" },
    ]);
    await Promise.all([first, second]);
    const steps = log.filter((l) => l === "srd" || l === "sld" || l === "request subscribe.answer");
    expect(steps).toEqual([
      "srd",
      "sld",
      "request subscribe.answer",
      "srd",
      "sld",
      "request subscribe.answer",
    ]);
    expect(reports.get("a")?.video).toBeDefined();
  });
});
