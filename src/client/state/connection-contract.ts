/**
 * What a RoomConnection is made of and what it tells its owner, the Room: the contract between the two
 * (room-connection.ts, room.ts), and the browser's parts.
 */
import type { IceServer } from "../../protocol/messages.js";
import { Engine, type EngineCallbacks } from "../engine/engine.js";
import type { MediaTransforms } from "../engine/transforms.js";
import { defaultSignalUrl, type SignalClient, type SocketConstructor } from "../signal/signal-client.js";
import type { RoomError, View } from "./room-state.js";

export type Ending = Extract<View, "denied" | "removed" | "ended" | "left">;

/**
 * What a connection is made of: the browser's by default; the unit tests of the Room's state machine give a
 * scripted socket and an engine without WebRTC (state/room.test.ts).
 */
export interface ConnectionParts {
  /** Whether media can work here at all (a browser without WebRTC gets an error at once). */
  webrtc: () => boolean;
  Socket: SocketConstructor;
  url: () => string;
  engine: (
    signal: SignalClient,
    iceServers: readonly IceServer[],
    stream: MediaStream,
    callbacks: EngineCallbacks,
  ) => Engine;
}

export const BROWSER_PARTS: ConnectionParts = {
  webrtc: () => typeof RTCPeerConnection !== "undefined",
  Socket: globalThis.WebSocket,
  url: defaultSignalUrl,
  engine: (signal, iceServers, stream, callbacks) => new Engine(signal, iceServers, stream, callbacks),
};

/** What the person asked to join, kept to join again (rejoin, reconnection, password retry). */
export interface JoinTarget {
  room: string;
  name: string;
  password?: string;
  /** One of the meeting's breakout rooms (entered with a grant, or a resume token of that room). */
  breakout?: string;
}

/** What came of one connection and its `join`. */
export type Attempt =
  | { kind: "entered" }
  | { kind: "waiting" }
  /** `closeCode`: how the socket closed, when the failure is that it closed (0 otherwise). */
  | { kind: "failed"; stage: "connect" | "join"; error: unknown; closeCode: number }
  /** The connection was closed meanwhile (hung up, joined again): nothing to do. */
  | { kind: "stale" };

/** What the Room does about what happens on its current connection. Never called once it is closed. */
export interface ConnectionOwner {
  /** In the meeting: `joined` answered the join or came from the lobby. `resume` comes back after a drop. */
  entered(resume: string): void;
  /** The server ended our participation, for the reason the view tells. */
  ended(view: Ending): void;
  /** The server sends us to another room of the meeting (`breakout` null: the meeting itself). */
  moved(breakout: string | null, grant: string): void;
  /** The socket dropped in the meeting or its lobby; `mediaLost`: the media server restarted (4002). */
  lost(mediaLost: boolean): void;
  /** The media could not be set up: the call cannot go on. */
  failed(error: RoomError): void;
  /** End-to-end encryption's transforms, if the meeting has them. */
  transforms(): MediaTransforms | null;
}
