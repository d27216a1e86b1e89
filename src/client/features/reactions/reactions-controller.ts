/**
 * Reactions, one controller per Room (PROTOCOL.md, Reactions): sends them, and keeps the ones received in
 * the last few seconds for the floating animation. The server caps senders at 5 per 10 s; we also cap how
 * many float at once, so a busy room cannot bury the screen.
 */
import { signal } from "@preact/signals";
import type { Reaction } from "../../../protocol/common.js";
import { SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";

/** How long a reaction floats; the CSS animation lasts as long. */
export const BURST_MS = 3_000;
const MAX_BURSTS = 20;
/** Horizontal lanes, so that reactions arriving together do not sit on top of each other. */
export const LANES = 6;
const HINT_MS = 4_000;

export interface Burst {
  key: number;
  emoji: Reaction;
  /** The sender's name as it was when the reaction arrived (they may leave before it fades); null: us. */
  name: string | null;
  lane: number;
}

export class ReactionsController {
  readonly bursts = signal<readonly Burst[]>([]);
  /** True for a few seconds after the server said `too_many_attempts`. */
  readonly slowDown = signal(false);
  private seq = 0;
  private hintTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly room: Room) {
    room.register({
      reaction: ({ participantId, emoji }) => this.show(participantId, emoji),
    });
  }

  async send(emoji: Reaction): Promise<void> {
    try {
      await this.room.request({ type: "reaction.send", emoji });
    } catch (err) {
      if (err instanceof SignalError && err.code === "too_many_attempts") this.hint();
      else console.warn("palabre: reaction not sent", err);
    }
  }

  private show(participantId: string, emoji: Reaction): void {
    const s = this.room.state;
    const mine = participantId === s.local.peek()?.info?.id;
    const name = mine ? null : (s.remotes.peek().get(participantId)?.info.name ?? "?");
    this.seq += 1;
    const burst: Burst = { key: this.seq, emoji, name, lane: this.seq % LANES };
    this.bursts.value = [...this.bursts.peek(), burst].slice(-MAX_BURSTS);
    setTimeout(() => {
      this.bursts.value = this.bursts.peek().filter((b) => b !== burst);
    }, BURST_MS);
  }

  private hint(): void {
    this.slowDown.value = true;
    if (this.hintTimer !== null) clearTimeout(this.hintTimer);
    this.hintTimer = setTimeout(() => {
      this.slowDown.value = false;
      this.hintTimer = null;
    }, HINT_MS);
  }
}

/** The meeting's reactions controller (meeting.tsx makes it), for the components below. */
export const ReactionsScope = scope<ReactionsController>("reactions controller");
