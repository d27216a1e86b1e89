/**
 * The layout of the meeting, one controller per Room: tile view or speaker view (the person's choice, else
 * automatic: speaker view while someone else shares a screen), the pinned tile, the tile view's page, and
 * the order in which the others' shares started (the latest goes on stage). The pure rules are in
 * layout-model.ts; the components read the signals here.
 */
import { computed, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { Room } from "../../state/room.js";
import { scope } from "../../ui/scope.js";
import type { ScreenShareController } from "../screen-share/screen-share-controller.js";
import type { SpeakerController } from "../speaker/speaker-controller.js";
import { chooseLayout, type LayoutMode, pickStage, type TileRef, tileKey, tilesOf } from "./layout-model.js";

export class LayoutController {
  /** The view the person chose (button, W, a pin); null: automatic. */
  readonly choice = signal<LayoutMode | null>(null);
  /** The pinned tile's key; a pin on a tile that went away is ignored (and forgotten on the next join). */
  readonly pinned = signal<string | null>(null);
  /** The tile view's page, from 0 (clamped to the pages there are when shown). */
  readonly page = signal(0);
  /** Others' shares, in the order they started (participant ids). */
  private readonly shareOrder = signal<readonly string[]>([]);

  /** Every tile, in display order. */
  readonly tiles: ReadonlySignal<TileRef[]>;
  /** The view in force. */
  readonly mode: ReadonlySignal<LayoutMode>;
  /** The speaker view's large tile. */
  readonly stage: ReadonlySignal<TileRef | null>;

  constructor(room: Room, screen: ScreenShareController, speaker: SpeakerController) {
    const s = room.state;
    room.register({
      joined: () => {
        this.page.value = 0;
      },
    });
    // Keep the start order of the others' shares: a new share goes last (and so on stage).
    effect(() => {
      const sharing = [...s.remotes.value.values()].filter((p) => p.info.screen).map((p) => p.info.id);
      const before = this.shareOrder.peek();
      const kept = before.filter((id) => sharing.includes(id));
      const next = [...kept, ...sharing.filter((id) => !kept.includes(id))];
      if (next.length !== before.length || next.some((id, i) => id !== before[i]))
        this.shareOrder.value = next;
    });
    this.tiles = computed(() => {
      const me = s.local.value;
      const remotes = [...s.remotes.value.values()].map((p) => ({ id: p.info.id, screen: p.info.screen }));
      return tilesOf(
        { id: me?.info?.id ?? "", sharing: screen.stream.value !== null },
        remotes,
        this.shareOrder.value,
      );
    });
    this.mode = computed(() =>
      chooseLayout(
        this.choice.value,
        this.tiles.value.some((t) => t.source === "screen" && !t.local),
      ),
    );
    this.stage = computed(() =>
      pickStage(this.tiles.value, { pinned: this.pinned.value, activeSpeaker: speaker.active.value }),
    );
  }

  /** The other view, chosen explicitly: it stays until changed, shares or not. */
  toggle(): void {
    this.choice.value = this.mode.peek() === "tile" ? "speaker" : "tile";
  }

  /** Pins a tile on stage (the speaker view, where a pin shows); pinning the pinned tile unpins it. */
  togglePin(participantId: string, source: TileRef["source"]): void {
    const key = tileKey(participantId, source);
    if (this.pinned.peek() === key) {
      this.pinned.value = null;
      return;
    }
    this.pinned.value = key;
    this.choice.value = "speaker";
  }
}

/** The meeting's layout controller (meeting.tsx makes it), for the components below. */
export const LayoutScope = scope<LayoutController>("layout controller");
