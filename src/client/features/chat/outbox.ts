/**
 * The chat outbox: messages typed but not yet acknowledged by the server. They are sent one at a time, in
 * the order they were typed, each with its own clientId; whatever was not acknowledged when the connection
 * dropped is sent again after it comes back. The server delivers a clientId once, so a message whose
 * acknowledgement was lost on the way is not duplicated by the re-send. Pure logic, no I/O: the chat
 * controller drives it.
 */
import type { ChatMessage } from "../../../protocol/server-messages.js";

/**
 * waiting: to be sent (again); sending: written to the socket, no reply yet;
 * sent: acknowledged, shown as pending until the server's copy of it (`chat.message`) arrives.
 */
export type OutboxStatus = "waiting" | "sending" | "sent";

export interface OutboxEntry {
  readonly clientId: string;
  /** As the server will store it (normalised, trimmed), so that its copy can be recognised. */
  readonly text: string;
  /** Recipient of a private message; null for everyone. */
  readonly to: string | null;
  readonly status: OutboxStatus;
}

/** What to do with a message the server (or the connection) refused, by failure code. */
export type FailureAction = "retry" | "slowDown" | "reconnect" | "drop";

export function failureAction(code: string): FailureAction {
  switch (code) {
    case "too_many_attempts": // over 20 messages per 10 s: the same message goes through in a moment
      return "slowDown";
    case "timeout": // maybe lost, maybe just late (rate_limited gets no reply): the clientId makes a retry safe
    case "rate_limited":
    case "internal":
      return "retry";
    case "closed": // the connection is gone: the outbox is flushed when we are back in the room
    case "not_joined":
      return "reconnect";
    default: // bad_message, not_found (recipient left), forbidden: sending again would fail again
      return "drop";
  }
}

export class Outbox {
  private entries: OutboxEntry[] = [];

  /** `onChange` gets every new list (a new array each time), for the UI's pending messages. */
  constructor(private readonly onChange: (entries: readonly OutboxEntry[]) => void = () => {}) {}

  get all(): readonly OutboxEntry[] {
    return this.entries;
  }

  add(clientId: string, text: string, to: string | null): void {
    this.set([...this.entries, { clientId, text, to, status: "waiting" }]);
  }

  /**
   * The next message to send, now marked as sending. Nothing while one is in flight: one at a time keeps
   * the order even when a message in the middle fails and has to be retried.
   */
  next(): OutboxEntry | undefined {
    if (this.entries.some((e) => e.status === "sending")) return undefined;
    const entry = this.entries.find((e) => e.status === "waiting");
    if (!entry) return undefined;
    this.update(entry.clientId, "sending");
    return this.find(entry.clientId);
  }

  /** The server replied `ok`: the message is in the room (or was already, for a re-send). */
  acked(clientId: string): void {
    this.update(clientId, "sent");
  }

  /** Sending failed in a way that a later try may fix: back in line, at its place. */
  retry(clientId: string): void {
    if (this.find(clientId)?.status === "sending") this.update(clientId, "waiting");
  }

  drop(clientId: string): OutboxEntry | undefined {
    const entry = this.find(clientId);
    if (entry) this.set(this.entries.filter((e) => e !== entry));
    return entry;
  }

  /** The connection dropped: whatever was in flight may or may not have arrived; send it again later. */
  interrupted(): void {
    if (this.entries.some((e) => e.status === "sending"))
      this.set(this.entries.map((e) => (e.status === "sending" ? { ...e, status: "waiting" } : e)));
  }

  /**
   * Our own message came back from the server: the oldest acknowledged entry with that text and recipient
   * is done; failing that, the one in flight (its `ok` was lost, the message was not: no need to re-send it).
   * Returns whether one was.
   */
  delivered(message: Pick<ChatMessage, "text" | "to">): boolean {
    const to = message.to ?? null;
    const matches = (e: OutboxEntry) => e.text === message.text && e.to === to;
    const entry =
      this.entries.find((e) => e.status === "sent" && matches(e)) ??
      this.entries.find((e) => e.status === "sending" && matches(e));
    if (entry) this.drop(entry.clientId);
    return entry !== undefined;
  }

  /** Forgets acknowledged entries whose copy never came (a re-send the server had already delivered). */
  settle(clientId: string): void {
    if (this.find(clientId)?.status === "sent") this.drop(clientId);
  }

  /**
   * We came back as a new participant (the server forgot the old one): its clientIds no longer protect us,
   * so what the room's history shows as already posted by `formerId` must not be sent again.
   */
  forgetPosted(history: readonly ChatMessage[], formerId: string): void {
    const posted = history.filter((m) => m.from === formerId && m.to === undefined).map((m) => m.text);
    const keep = this.entries.filter((e) => {
      if (e.status === "sent") return false;
      const at = e.to === null ? posted.indexOf(e.text) : -1;
      if (at < 0) return true;
      posted.splice(at, 1); // two identical messages: each copy in the history accounts for one
      return false;
    });
    if (keep.length !== this.entries.length) this.set(keep);
  }

  clear(): void {
    if (this.entries.length > 0) this.set([]);
  }

  private find(clientId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.clientId === clientId);
  }

  private update(clientId: string, status: OutboxStatus): void {
    this.set(this.entries.map((e) => (e.clientId === clientId ? { ...e, status } : e)));
  }

  private set(entries: OutboxEntry[]): void {
    this.entries = entries;
    this.onChange(entries);
  }
}
