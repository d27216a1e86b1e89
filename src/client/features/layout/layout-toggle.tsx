/**
 * The toolbar's view switch (tile view ⇄ speaker view) and its keyboard shortcut W. A toggle: pressed means
 * the speaker view; its tooltip says what a press does.
 */
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import { SpeakerViewIcon, TileViewIcon } from "../../ui/icons.js";
import { layoutOf } from "./layout-controller.js";
import { isLayoutShortcut } from "./layout-model.js";

export function LayoutToggle({ room }: { room: Room }) {
  const layout = layoutOf(room);
  const speaker = layout.mode.value === "speaker";

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target instanceof HTMLElement ? ev.target : null;
      const { key, repeat, ctrlKey, metaKey, altKey } = ev;
      if (!isLayoutShortcut({ key, repeat, ctrlKey, metaKey, altKey, target })) return;
      ev.preventDefault();
      layout.toggle();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [layout]);

  return (
    <button
      type="button"
      class="round-button layout-toggle"
      data-testid="toggle-layout"
      aria-pressed={speaker ? "true" : "false"}
      aria-label={t("layout.speaker")}
      aria-keyshortcuts="W"
      title={t(speaker ? "layout.toTile" : "layout.toSpeaker")}
      onClick={() => layout.toggle()}
    >
      {speaker ? <TileViewIcon /> : <SpeakerViewIcon />}
    </button>
  );
}
