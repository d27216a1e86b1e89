/**
 * Sharing our screen (PROTOCOL.md, "Sharing a screen"): declare it (`media.state {screen: true}`; refused
 * past the room's limit, and then nothing is captured), capture it (getDisplayMedia, with the tab's sound
 * where the browser offers it), send it on the publish connection's screen m-lines. It stops from our button,
 * from the browser's own "Stop sharing" (the track ends), or from a moderator (`moderation.muted {kind:
 * "screen"}`): the capture stops, the m-lines stay for the next share, and `media.state {screen: false}` tells
 * the others (a moderator's stop already did). One controller per Room, for the page's life.
 */
import { effect, signal } from "@preact/signals";
import { ErrorCode } from "../../../protocol/errors.js";
import type { Engine } from "../../engine/engine.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";

/** Why a share did not start: the room's limit is reached, or the capture or the connection failed. */
export type ShareProblem = "limit" | "failed";

/** Whether this browser can share a screen at all (no phone browser can). */
export function canShareScreen(): boolean {
  return typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getDisplayMedia === "function";
}

export class ScreenShareController {
  /** The capture being sent; null when not sharing. */
  readonly stream = signal<MediaStream | null>(null);
  /** A share is being set up (declared, or the browser's picker is open). */
  readonly busy = signal(false);
  /** The last share that failed to start, until dismissed or the next try. */
  readonly problem = signal<ShareProblem | null>(null);
  /** The engine the capture is sent on: another one (after a reconnection) needs the capture put on it. */
  private engine: Engine | null = null;

  constructor(private readonly room: Room) {
    // Back in the meeting on a new connection while sharing: share again there (or let go if refused).
    room.register({
      joined: () => void this.carryOver(),
      // The media server restarted: the share goes on, on the new connection.
      "media.restored": () => void this.carryOver(),
      "moderation.muted": ({ kind }) => {
        if (kind === "screen") void this.stop(false);
      },
    });
    // Out of the meeting (hung up, removed, error, lobby): the capture must not go on with nobody watching.
    effect(() => {
      if (room.state.view.value !== "conference") this.release();
    });
  }

  /** Starts sharing: declare, capture, send. Does nothing while a share is on or being set up. */
  async start(): Promise<void> {
    if (this.busy.peek() || this.stream.peek() || !canShareScreen()) return;
    this.busy.value = true;
    this.problem.value = null;
    try {
      try {
        await this.declare(true);
      } catch (err) {
        this.problem.value =
          err instanceof SignalError && err.code === ErrorCode.ShareLimit ? "limit" : "failed";
        console.warn("palabre: sharing was refused", err);
        return;
      }
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
      } catch (err) {
        // Cancelling the browser's picker is a choice, not a failure: nothing to say.
        if (!(err instanceof DOMException && err.name === "NotAllowedError")) this.problem.value = "failed";
        await this.declare(false).catch(() => undefined);
        return;
      }
      const engine = this.room.media;
      if (!engine || this.room.state.view.peek() !== "conference") {
        for (const track of stream.getTracks()) track.stop(); // hung up while the picker was open
        return;
      }
      stream.getVideoTracks()[0]?.addEventListener("ended", () => {
        if (this.stream.peek() === stream) void this.stop(true);
      });
      this.stream.value = stream;
      this.engine = engine;
      try {
        await engine.screen.start(stream);
      } catch (err) {
        console.warn("palabre: the screen could not be sent", err);
        this.problem.value = "failed";
        await this.stop(true);
      }
    } finally {
      this.busy.value = false;
    }
  }

  /** Stops sharing; `tell`: say so to the server (a moderator's stop already did). */
  async stop(tell: boolean): Promise<void> {
    if (!this.stream.peek()) return;
    this.release();
    if (tell) await this.declare(false).catch((err: unknown) => console.warn("palabre: media.state", err));
  }

  /** Stops the capture and empties the m-lines, without a word to the server. */
  private release(): void {
    const stream = this.stream.peek();
    if (!stream) return;
    for (const track of stream.getTracks()) track.stop();
    this.stream.value = null;
    this.engine?.screen.stop().catch(() => undefined); // a closed connection has nothing left to stop
    this.engine = null;
  }

  private async carryOver(): Promise<void> {
    const stream = this.stream.peek();
    const engine = this.room.media;
    if (!stream || !engine || engine === this.engine) return;
    this.engine = engine;
    try {
      await this.declare(true);
      if (this.stream.peek() === stream) await engine.screen.start(stream);
    } catch (err) {
      // The place was taken while we were away, or the new connection failed: the share ends here.
      if (err instanceof SignalError && err.code === ErrorCode.ShareLimit) this.problem.value = "limit";
      console.warn("palabre: the share could not go on after reconnecting", err);
      this.release();
    }
  }

  /** `media.state` with our devices as they are and the share on or off. */
  private declare(screen: boolean): Promise<unknown> {
    const local = this.room.state.local.peek();
    return this.room.request({
      type: "media.state",
      audio: local?.audio ?? false,
      video: local?.video ?? false,
      screen,
    });
  }
}

/** The meeting's screen-share controller (meeting.tsx makes it), for the components below. */
export const ScreenShareScope = scope<ScreenShareController>("screen-share controller");
