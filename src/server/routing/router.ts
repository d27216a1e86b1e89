/**
 * Where a participant's socket lives. Room code addresses participants by id through a Router and never
 * knows which process holds the socket. Each node has one `LocalRouter`; in a cluster, a participant whose
 * socket landed on another node is attached to it with a sink that relays over Redis to that node
 * (session/remote-sessions.ts, routing/relay.ts), so the same Router serves both.
 */
import type { ServerMessage } from "../../protocol/messages.js";

/** The far end of one participant's connection. */
export interface ParticipantSink {
  send(message: ServerMessage): void;
  /** Ends the connection with a WebSocket close code (see CloseCode in protocol/errors.ts). */
  close(code: number, reason: string): void;
}

export interface Router {
  /** Registers the connection of a participant that joined on this node. */
  attach(participantId: string, sink: ParticipantSink): void;
  /**
   * Forgets the connection `sink` of a participant; false if the participant is attached to another one now
   * (it moved to another room of its meeting, on a new connection).
   */
  detach(participantId: string, sink: ParticipantSink): boolean;
  /** Sends to one participant wherever its connection is; silently drops if it is gone. */
  deliver(participantId: string, message: ServerMessage): void;
  /** Ends a participant's connection wherever it is. */
  disconnect(participantId: string, code: number, reason: string): void;
}
