/**
 * Who is speaking, for the speaking ring on tiles and the speaker view's stage, from the server's `speaking`
 * messages (PROTOCOL.md, Quality signals). The ring follows the server at once, and goes off as soon as the
 * person mutes (`participant.updated` with audio off) or leaves; the active speaker is smoothed by
 * ActiveSpeaker. One controller per Room, listening for the page's life.
 */
import { effect, type ReadonlySignal, signal } from "@preact/signals";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import { ActiveSpeaker } from "./active-speaker.js";

export class SpeakerController {
  private readonly ringSignal = signal<ReadonlySet<string>>(new Set());
  private readonly activeSignal = signal<string | null>(null);
  /** Remote participants only: the stage shows others, never ourselves. */
  private readonly tracker = new ActiveSpeaker();
  private localTalking = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly room: Room,
    private readonly now: () => number = () => performance.now(),
  ) {
    room.register({
      joined: () => {
        this.tracker.clear();
        this.localTalking = false;
        this.publish();
      },
      speaking: ({ participantId, speaking }) => this.heard(participantId, speaking),
    });
    // Someone muted or left: their ring goes off now, whatever the server says later.
    effect(() => {
      const remotes = room.state.remotes.value;
      const local = room.state.local.value;
      let changed = false;
      if (this.localTalking && !local?.audio) {
        this.localTalking = false;
        changed = true;
      }
      const at = this.now();
      for (const id of this.tracker.talking) {
        const p = remotes.get(id);
        if (!p) this.tracker.remove(id, at);
        else if (!p.info.audio) this.tracker.set(id, false, at);
        else continue;
        changed = true;
      }
      const active = this.tracker.active;
      if (active !== null && !remotes.has(active)) {
        this.tracker.remove(active, at);
        changed = true;
      }
      if (changed) this.publish();
    });
  }

  /** Participant ids whose speaking ring is on (ourselves included). */
  get speaking(): ReadonlySignal<ReadonlySet<string>> {
    return this.ringSignal;
  }

  /** The remote participant the speaker view puts on stage, when nothing is pinned or shared. */
  get active(): ReadonlySignal<string | null> {
    return this.activeSignal;
  }

  private heard(participantId: string, speaking: boolean): void {
    const s = this.room.state;
    if (participantId === s.local.peek()?.info?.id) {
      this.localTalking = speaking && s.local.peek()?.audio === true;
    } else {
      const p = s.remotes.peek().get(participantId);
      if (!p) return; // not (or no longer) listed: nothing to ring
      this.tracker.set(participantId, speaking && p.info.audio, this.now());
    }
    this.publish();
  }

  /** Copies the tracker's answer into the signals and arms the timer for its next re-check. */
  private publish(): void {
    const at = this.now();
    const active = this.tracker.update(at);
    const ring = new Set(this.tracker.talking);
    const me = this.room.state.local.peek()?.info?.id;
    if (this.localTalking && me) ring.add(me);
    if (!sameSet(ring, this.ringSignal.peek())) this.ringSignal.value = ring;
    this.activeSignal.value = active;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const next = this.tracker.nextCheck(at);
    if (next !== null)
      this.timer = setTimeout(
        () => {
          this.timer = null;
          this.publish();
        },
        Math.max(0, next - at) + 5,
      );
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The meeting's active-speaker controller (meeting.tsx makes it), for the components below. */
export const SpeakerScope = scope<SpeakerController>("active-speaker controller");
