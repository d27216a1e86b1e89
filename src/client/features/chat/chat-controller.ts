/**
 * The chat, one per Room: the messages as the server sent them, whether the panel is open and to whom the
 * next message goes, the unread count, and the outbox (PROTOCOL.md, Chat). It lives as long as the Room, not
 * the meeting screen, so that messages typed before a dropped connection are still there to send when the Room
 * gets back in.
 */
import { effect, signal } from "@preact/signals";
import { Limits } from "../../../protocol/limits.js";
import type { ChatMessage, ServerMessageOf } from "../../../protocol/server-messages.js";
import { checkChatText } from "../../../protocol/text.js";
import type { MessageKey } from "../../i18n/i18n.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import { appendMessage, mergeHistory, unreadAfter } from "./chat-log.js";
import { failureAction, Outbox, type OutboxEntry } from "./outbox.js";

/** Waits before sending again: after `too_many_attempts` (20 per 10 s), and after a timeout. */
const SLOW_DOWN_MS = 2_000;
const RETRY_MS = 1_000;
/** An acknowledged message whose copy never came (re-sent, already delivered) stops showing as pending. */
const SETTLE_MS = 3_000;
/** Views in which we are out of the meeting for good: what was not sent is abandoned. */
const OUT_OF_MEETING = new Set(["prejoin", "left", "denied", "removed", "ended"]);

export interface ChatNotice {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** A message to read out in the live region; `seq` tells two identical ones apart. */
export interface ChatAnnouncement {
  key: MessageKey;
  name: string;
  text: string;
  seq: number;
}

export class ChatController {
  /** The meeting's messages we may read, oldest first. */
  readonly messages = signal<readonly ChatMessage[]>([]);
  readonly open = signal(false);
  /** What the panel shows: the messages, or the meeting's polls (features/polls). */
  readonly tab = signal<"messages" | "polls">("messages");
  /** The participant the next message goes to; null: everyone. */
  readonly recipient = signal<string | null>(null);
  /** Messages received while the panel was closed. */
  readonly unread = signal(0);
  /** Typed but not yet back from the server, oldest first. */
  readonly pending = signal<readonly OutboxEntry[]>([]);
  /** The last problem sending, until the next message goes through (or the user dismisses it). */
  readonly notice = signal<ChatNotice | null>(null);
  /** What is typed in the panel, kept here so that closing the panel does not lose it. */
  readonly draft = signal("");
  /** For the live region when the panel is closed. */
  readonly announcement = signal<ChatAnnouncement | null>(null);

  private readonly outbox = new Outbox((entries) => {
    this.pending.value = entries;
  });
  /** In the room and able to send; false from the moment the connection drops until `joined`. */
  private online = false;
  /** Bumped on every disconnection, so that a reply from an older connection changes nothing. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private me: { id: string; room: string } | null = null;
  private announceSeq = 0;

  constructor(private readonly room: Room) {
    const s = room.state;
    room.register({
      joined: (joined) => this.onJoined(joined),
      "chat.message": ({ message }) => this.onMessage(message),
    });
    effect(() => {
      if (s.connection.value !== "connected") this.offline();
    });
    effect(() => {
      if (this.open.value) this.unread.value = 0;
    });
    effect(() => {
      if (OUT_OF_MEETING.has(s.view.value)) {
        this.outbox.clear();
        this.notice.value = null;
        this.draft.value = "";
      }
    });
  }

  /**
   * Queues a message for `to` (null: everyone) and sends it as soon as possible. Returns false, with the
   * reason in `notice`, when it cannot be sent at all (nothing is queued then, the text stays typed).
   */
  send(raw: string, to: string | null): boolean {
    const checked = checkChatText(raw);
    if ("problem" in checked) {
      if (checked.problem === "tooLong")
        this.notice.value = { key: "chat.tooLong", params: { length: raw.length, max: Limits.chatMaxChars } };
      else if (checked.problem === "unsendable") this.notice.value = { key: "chat.unsendable" };
      return false;
    }
    if (to !== null && !this.room.state.remotes.peek().has(to)) {
      this.notice.value = { key: "chat.recipientGone" };
      return false;
    }
    this.outbox.add(crypto.randomUUID(), checked.text, to);
    // A past failure is old news once a new message goes; "slow down" stays until one gets through.
    if (this.notice.peek()?.key !== "chat.slowDown") this.notice.value = null;
    this.pump();
    return true;
  }

  dismissNotice(): void {
    this.notice.value = null;
  }

  private onJoined(joined: ServerMessageOf<"joined">): void {
    const before = this.me;
    this.me = { id: joined.you.id, room: joined.room };
    if (before && before.room === joined.room && before.id === joined.you.id) {
      // Resumed as the same participant: our clientIds still count, everything waiting can go again.
      this.messages.value = mergeHistory(this.messages.peek(), joined.chat);
    } else {
      this.messages.value = joined.chat;
      this.unread.value = 0;
      if (before && before.room === joined.room) {
        this.outbox.forgetPosted(joined.chat, before.id);
      } else {
        this.outbox.clear();
        // Only for another room: in the same one, a chosen recipient stays chosen (if they are gone, the
        // form says so) rather than turning a private message into a public one behind the writer's back.
        this.recipient.value = null;
      }
    }
    this.online = true;
    this.pump();
  }

  private onMessage(message: ChatMessage): void {
    const myId = this.me?.id ?? null;
    this.messages.value = appendMessage(this.messages.peek(), message);
    if (message.from === myId) {
      this.outbox.delivered(message);
      return;
    }
    const open = this.open.peek();
    this.unread.value = unreadAfter(this.unread.peek(), message, myId, open);
    if (!open) this.announce(message);
  }

  private announce(message: ChatMessage): void {
    this.announceSeq += 1;
    // Long messages are cut: the live region is a heads-up, the panel has the whole text.
    const text = message.text.length > 140 ? `${message.text.slice(0, 140)}…` : message.text;
    const key = message.to ? "chat.announcePrivate" : "chat.announce";
    this.announcement.value = { key, name: message.fromName, text, seq: this.announceSeq };
  }

  private offline(): void {
    if (!this.online) return;
    this.online = false;
    this.generation += 1;
    this.outbox.interrupted();
    this.clearRetry();
  }

  /** Sends the next waiting message, if we are in the room and none is in flight. */
  private pump(): void {
    if (!this.online || this.retryTimer !== null) return;
    const entry = this.outbox.next();
    if (!entry) return;
    const generation = this.generation;
    const msg = {
      type: "chat.send" as const,
      text: entry.text,
      clientId: entry.clientId,
      ...(entry.to ? { to: entry.to } : {}),
    };
    this.room.request(msg).then(
      () => {
        // An `ok` is the truth even from an older connection: the server has the message.
        this.outbox.acked(entry.clientId);
        if (this.notice.peek()?.key === "chat.slowDown") this.notice.value = null;
        setTimeout(() => this.outbox.settle(entry.clientId), SETTLE_MS);
        if (generation === this.generation) this.pump();
      },
      (err: unknown) => {
        if (generation !== this.generation) return; // already back in line by offline()
        this.onFailure(entry, err instanceof SignalError ? err.code : "internal");
      },
    );
  }

  private onFailure(entry: OutboxEntry, code: string): void {
    switch (failureAction(code)) {
      case "slowDown":
        this.notice.value = { key: "chat.slowDown" };
        this.outbox.retry(entry.clientId);
        this.retryAfter(SLOW_DOWN_MS);
        return;
      case "retry":
        this.outbox.retry(entry.clientId);
        this.retryAfter(RETRY_MS);
        return;
      case "reconnect":
        // The connection is going (or gone): `joined` flushes the outbox when we are back.
        this.outbox.retry(entry.clientId);
        return;
      case "drop":
        this.outbox.drop(entry.clientId);
        this.notice.value = { key: code === "not_found" ? "chat.recipientLeft" : "chat.notSent" };
        this.pump();
        return;
    }
  }

  private retryAfter(ms: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, ms);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/** The meeting's chat controller (meeting.tsx makes it), for the components below. */
export const ChatScope = scope<ChatController>("chat controller");
