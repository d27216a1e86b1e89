/** The quality controller against a stand-in Room and engine: what it asks the server and the publisher. */
import { signal } from "@preact/signals";
import { describe, expect, it, vi } from "vitest";
import type { StreamInfo } from "../../../protocol/messages.js";
import type { Room } from "../../state/room.js";
import { QualityController } from "./quality-controller.js";

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const handlers = new Map<string, (msg: unknown) => void>();
  let subscribed: ((streams: readonly StreamInfo[]) => void) | null = null;
  let streams: StreamInfo[] = [];
  const engine = {
    setMaxVideoLayer: vi.fn(async () => {}),
    subscribedStreams: () => streams,
    onSubscribed: (listener: (s: readonly StreamInfo[]) => void) => {
      subscribed = listener;
      return () => {
        subscribed = null;
      };
    },
  };
  const local = signal({ audio: true, video: true });
  const room = {
    state: { local, view: signal("conference") },
    media: engine,
    register: (table: Record<string, (msg: unknown) => void>) => {
      for (const [type, handler] of Object.entries(table)) handlers.set(type, handler);
      return () => {};
    },
    request: vi.fn(async () => ({ type: "ok" })),
    setDevice: vi.fn(async (kind: string, on: boolean) => {
      if (kind === "video") local.value = { ...local.value, video: on };
    }),
  };
  const controller = new QualityController(room as unknown as Room);
  const offer = async (next: StreamInfo[]) => {
    streams = next;
    subscribed?.(next);
    await flush();
  };
  const joined = async () => {
    handlers.get("joined")?.({});
    await flush();
  };
  const slow = () => handlers.get("connection.slow")?.({ type: "connection.slow", direction: "down" });
  return { controller, room, engine, offer, joined, slow, local };
}

const video = (mid: string, participantId: string): StreamInfo => ({
  mid,
  participantId,
  kind: "video",
  source: "camera",
});
const audio = (mid: string, participantId: string): StreamInfo => ({
  mid,
  participantId,
  kind: "audio",
  source: "microphone",
});

describe("QualityController", () => {
  it("says nothing at the default high quality", async () => {
    const { room, engine, offer, joined } = setup();
    await joined();
    await offer([audio("0", "p_a"), video("1", "p_a")]);
    expect(room.request).not.toHaveBeenCalled();
    expect(engine.setMaxVideoLayer).toHaveBeenCalledWith(2);
  });

  it("applies a lower quality to both directions, and again to the m-lines of every new offer", async () => {
    const { controller, room, engine, offer, joined } = setup();
    await joined();
    await offer([audio("0", "p_a"), video("1", "p_a")]);
    await controller.set("low");
    expect(engine.setMaxVideoLayer).toHaveBeenLastCalledWith(0);
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "1", send: true, layer: 0 }],
    });
    // Someone new: their m-lines start at the media server's default, so the choice is said for them only.
    await offer([audio("0", "p_a"), video("1", "p_a"), audio("2", "p_b"), video("3", "p_b")]);
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "3", send: true, layer: 0 }],
    });
    // Back to high: said once, then new offers need nothing.
    await controller.set("high");
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [
        { mid: "1", send: true, layer: 2 },
        { mid: "3", send: true, layer: 2 },
      ],
    });
    const calls = room.request.mock.calls.length;
    await offer([video("1", "p_a"), video("3", "p_b"), video("5", "p_c")]);
    expect(room.request.mock.calls.length).toBe(calls);
  });

  it("audio only stops every video, turns the camera off, and back on when it ends", async () => {
    const { controller, room, engine, offer, joined, local } = setup();
    await joined();
    await offer([audio("0", "p_a"), video("1", "p_a")]);
    await controller.set("audio-only");
    expect(room.setDevice).toHaveBeenCalledWith("video", false);
    expect(local.value.video).toBe(false);
    expect(engine.setMaxVideoLayer).toHaveBeenLastCalledWith(-1);
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "1", send: false }],
    });
    await controller.set("standard");
    expect(room.setDevice).toHaveBeenLastCalledWith("video", true);
    // A video that resumes asks for a key frame (see changedChoices).
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "1", send: true, layer: 1, keyframe: true }],
    });
  });

  it("turning the camera on by hand leaves audio only for the quality chosen before", async () => {
    const { controller, joined, local } = setup();
    await joined();
    await controller.set("low");
    await controller.set("audio-only");
    local.value = { ...local.value, video: true };
    await flush();
    expect(controller.quality.value).toBe("low");
  });

  it("suggests a lower quality on a poor link, not twice in a row, not in audio only", async () => {
    const { controller, slow } = setup();
    slow();
    expect(controller.suggestion.value).toBe(true);
    controller.dismissSuggestion();
    slow();
    expect(controller.suggestion.value).toBe(false);

    const other = setup();
    await other.controller.set("audio-only");
    other.slow();
    expect(other.controller.suggestion.value).toBe(false);
  });

  it("applies the adaptation's advice within the quality, saying only what changed", async () => {
    const { controller, room, offer, joined } = setup();
    await joined();
    await offer([audio("0", "p_a"), video("1", "p_a"), video("3", "p_b"), video("5", "p_c")]);
    controller.advise(
      new Map([
        ["1", { send: true, layer: 2 } as const],
        ["3", { send: true, layer: 0 } as const],
        ["5", { send: false, why: "bandwidth" } as const],
      ]),
    );
    await flush();
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [
        { mid: "3", send: true, layer: 0 },
        { mid: "5", send: false },
      ],
    });
    expect(controller.choiceFor("p_c", "camera")).toMatchObject({ send: false, why: "bandwidth" });
    // The same advice again: nothing to say.
    const calls = room.request.mock.calls.length;
    controller.advise(
      new Map([
        ["1", { send: true, layer: 2 } as const],
        ["3", { send: true, layer: 0 } as const],
        ["5", { send: false, why: "bandwidth" } as const],
      ]),
    );
    await flush();
    expect(room.request.mock.calls.length).toBe(calls);
    // Standard quality caps the advice: layer 2 becomes 1; the others are unchanged.
    await controller.set("standard");
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "1", send: true, layer: 1 }],
    });
    expect(controller.choiceFor("p_a", "camera")).toMatchObject({ send: true, layer: 1 });
  });

  it("a refused configure is said again at the next advice", async () => {
    const { controller, room, offer, joined } = setup();
    await joined();
    await offer([video("1", "p_a")]);
    room.request.mockRejectedValueOnce(new Error("media_failed"));
    const advice = new Map([["1", { send: true, layer: 0 } as const]]);
    controller.advise(advice);
    await flush();
    controller.advise(advice);
    await flush();
    expect(room.request).toHaveBeenCalledTimes(2);
    expect(room.request).toHaveBeenLastCalledWith({
      type: "subscribe.configure",
      streams: [{ mid: "1", send: true, layer: 0 }],
    });
  });

  it("caps the camera's layers by the uplink's limit and the quality, whichever is lower", async () => {
    const { controller, engine, joined } = setup();
    await joined();
    controller.limitUplink(1);
    await flush();
    expect(engine.setMaxVideoLayer).toHaveBeenLastCalledWith(1);
    await controller.set("low");
    expect(engine.setMaxVideoLayer).toHaveBeenLastCalledWith(0);
    await controller.set("high");
    controller.limitUplink(2);
    await flush();
    expect(engine.setMaxVideoLayer).toHaveBeenLastCalledWith(2);
  });
});
