/**
 * The meeting's breakout rooms, one controller per Room (PROTOCOL.md, Breakout rooms): the rooms and who is
 * where as the server last told them, which one we are in, the moderators' notices, and the requests. Moving
 * is the Room's (a `breakout.move` makes it join the other room); this only asks for it.
 */
import { computed, signal } from "@preact/signals";
import { ErrorCode } from "../../../protocol/errors.js";
import type { BreakoutsState } from "../../../protocol/server-messages.js";
import { type MessageKey, t } from "../../i18n/i18n.js";
import { type OutgoingMessage, SignalError } from "../../signal/signal-client.js";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";

/** A moderator's word to every room; `seq` tells two identical ones apart. */
export interface BreakoutNotice {
  fromName: string;
  text: string;
  seq: number;
}

const NO_ROOMS: BreakoutsState = { rooms: [], open: false, allowMove: false, closingAt: null, assigned: {} };

export class BreakoutController {
  readonly state = signal<BreakoutsState>(NO_ROOMS);
  readonly notice = signal<BreakoutNotice | null>(null);
  /** How many requests are in flight, and what went wrong with the last one. */
  readonly busy = signal(0);
  readonly problem = signal<MessageKey | null>(null);
  /** Seconds until the rooms close, while they are closing (ticks every second). */
  readonly closingIn = signal<number | null>(null);
  /** The breakout room we are in (null: the meeting itself). */
  readonly here = computed(() => this.room.state.breakout.value);
  /** The room we are assigned to, if any. */
  readonly mine = computed(() => {
    const me = this.room.state.local.value?.info?.id;
    return me ? (this.state.value.assigned[me] ?? null) : null;
  });
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly room: Room) {
    room.register({
      // Each room's entry starts from nothing: the server says what there is within 250 ms (and nothing when
      // the meeting has no breakout rooms, or no longer has).
      joined: () => this.#set(NO_ROOMS),
      breakouts: ({ type: _, ...state }) => this.#set(state),
      "breakout.notice": ({ fromName, text }) => {
        this.notice.value = { fromName, text, seq: ++this.#seq };
      },
    });
  }

  /** A room's name as people read it: the one given, else "Room 2" / "Salle 2" from its id. */
  name(id: string | null): string {
    if (id === null) return t("breakout.main");
    const named = this.state.value.rooms.find((r) => r.id === id)?.name;
    return named || t("breakout.defaultName", { n: id.replace(/^b/, "") });
  }

  isModerator(): boolean {
    return this.room.state.local.value?.info?.role === "moderator";
  }

  /** Whether we may go to room `id` ourselves: ours, any when moving is allowed, any for a moderator. */
  mayJoin(id: string): boolean {
    const s = this.state.value;
    return s.open && s.closingAt === null && (this.isModerator() || s.allowMove || this.mine.value === id);
  }

  create(name: string): Promise<boolean> {
    return this.#send({ type: "breakout.create", rooms: [{ name }] });
  }
  remove(id: string): Promise<boolean> {
    return this.#send({ type: "breakout.remove", breakout: id });
  }
  assign(participantId: string, breakout: string | null): Promise<boolean> {
    return this.#send({ type: "breakout.assign", assignments: [{ participantId, breakout }] });
  }
  shuffle(): Promise<boolean> {
    return this.#send({ type: "breakout.shuffle" });
  }
  allowMove(allowMove: boolean): Promise<boolean> {
    return this.#send({ type: "breakout.configure", allowMove });
  }
  start(auto: boolean): Promise<boolean> {
    return this.#send({ type: "breakout.open", auto });
  }
  broadcast(text: string): Promise<boolean> {
    return this.#send({ type: "breakout.broadcast", text });
  }
  closeAll(countdown: number): Promise<boolean> {
    return this.#send({ type: "breakout.close", countdown });
  }
  /** To room `id`, or back to the meeting (null): the server's `breakout.move` follows. */
  join(id: string | null): Promise<boolean> {
    return this.#send({ type: "breakout.join", breakout: id });
  }

  #set(state: BreakoutsState): void {
    this.state.value = state;
    clearInterval(this.#tick);
    this.#tick = undefined;
    const closingAt = state.closingAt;
    if (closingAt === null) {
      this.closingIn.value = null;
      return;
    }
    const update = () => {
      this.closingIn.value = Math.max(0, Math.ceil((closingAt - Date.now()) / 1000));
    };
    update();
    this.#tick = setInterval(update, 1000);
  }

  /** One request after the other (a moderator may assign several people quickly): none is dropped. */
  #send(message: OutgoingMessage): Promise<boolean> {
    const sent = this.#queue.then(() => this.#request(message));
    this.#queue = sent;
    return sent;
  }

  async #request(message: OutgoingMessage): Promise<boolean> {
    this.busy.value += 1;
    this.problem.value = null;
    try {
      await this.room.request(message);
      return true;
    } catch (err) {
      this.problem.value = problemOf(err);
      console.warn(`palabre: ${message.type} failed`, err);
      return false;
    } finally {
      this.busy.value -= 1;
    }
  }
}

function problemOf(err: unknown): MessageKey {
  if (!(err instanceof SignalError)) return "breakout.failed";
  if (err.code === ErrorCode.BreakoutLimit) return "breakout.limit";
  if (err.code === ErrorCode.TooManyAttempts) return "breakout.slowDown";
  return "breakout.failed";
}

/** The meeting's breakout rooms controller (meeting.tsx makes it), for the components below. */
export const BreakoutScope = scope<BreakoutController>("breakout controller");
