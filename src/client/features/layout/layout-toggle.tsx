/**
 * The toolbar's view switch (tile view ⇄ speaker view) and its keyboard shortcut W. A toggle: pressed means
 * the speaker view; its tooltip says what a press does.
 */
import { t } from "../../i18n/i18n.js";
import { SpeakerViewIcon, TileViewIcon } from "../../ui/icons.js";
import { useShortcut } from "../../ui/shortcuts.js";
import { LayoutScope } from "./layout-controller.js";

export function LayoutToggle() {
  const layout = LayoutScope.use();
  const speaker = layout.mode.value === "speaker";

  useShortcut({
    key: "w",
    down: () => {
      layout.toggle();
      return true;
    },
  });

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
