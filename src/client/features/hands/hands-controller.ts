/**
 * Raised hands, one controller per Room: holds the server's queue (the one state of raised hands on the page:
 * the toolbar, the tiles and the participants pane read it here) and sends the requests (PROTOCOL.md, Raised
 * hands). The queue shown is always the server's: nothing is guessed ahead, so everyone's screen agrees on the
 * order.
 */
import { signal } from "@preact/signals";
import type { HandEntry } from "../../../protocol/server-messages.js";
import type { MessageKey } from "../../i18n/i18n.js";
import { type OutgoingMessage, SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";

export class HandsController {
  /** Raised hands, first raised first, as the server last told. */
  readonly queue = signal<readonly HandEntry[]>([]);
  /** A request in flight from the toolbar button: a second press waits for the first. */
  readonly busy = signal(false);
  /** The last failure, for the moderators' list. */
  readonly problem = signal<MessageKey | null>(null);

  constructor(private readonly room: Room) {
    room.register({
      joined: (joined) => {
        this.queue.value = joined.hands;
      },
      hands: ({ queue }) => {
        this.queue.value = queue;
      },
    });
  }

  /** Whether our own hand is up, per the last queue from the server. */
  isRaised(): boolean {
    const me = this.room.state.local.value?.info?.id;
    return me !== undefined && this.queue.value.some((h) => h.participantId === me);
  }

  async toggle(): Promise<void> {
    if (this.busy.peek() || this.room.state.view.peek() !== "conference") return;
    this.busy.value = true;
    try {
      await this.room.request(this.isRaised() ? { type: "hand.lower" } : { type: "hand.raise" });
    } catch (err) {
      console.warn("palabre: raising or lowering the hand failed", err);
    } finally {
      this.busy.value = false;
    }
  }

  lower(participantId: string): Promise<void> {
    return this.moderate({ type: "hand.lower", participantId });
  }

  lowerAll(): Promise<void> {
    return this.moderate({ type: "hand.lower_all" });
  }

  giveFloor(participantId: string, askUnmute: boolean): Promise<void> {
    return this.moderate({ type: "floor.give", participantId, askUnmute });
  }

  private async moderate(msg: OutgoingMessage): Promise<void> {
    this.problem.value = null;
    try {
      await this.room.request(msg);
    } catch (err) {
      // not_found: the hand went down meanwhile; the next `hands` message shows it, nothing to say.
      if (!(err instanceof SignalError && err.code === "not_found")) this.problem.value = "hands.failed";
      console.warn(`palabre: ${msg.type} failed`, err);
    }
  }
}

/** The meeting's hands controller (meeting.tsx makes it), for the components below. */
export const HandsScope = scope<HandsController>("hands controller");
