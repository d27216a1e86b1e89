/**
 * The toolbar's "⋯" button, at its far right (as in the seed's tutorial: "behind the three dots hide several
 * options"): inviting people (the meeting's link), breakout rooms, speaker stats (moderators), recording the meeting on this machine,
 * settings, video quality, how many videos to receive at most (last-N, features/adaptation), full screen,
 * keyboard shortcuts, installing the app (only when the browser says it can be), language. A
 * disclosure panel: Escape, the button again or a click elsewhere closes it, and focus goes back to the button.
 * The quality choices are a radio group (arrow keys move between them, Enter or Space picks one); the panel
 * stays open after a pick.
 */
import { useSignal } from "@preact/signals";
import { useCallback, useEffect, useRef } from "preact/hooks";
import { type MessageKey, t } from "../../i18n/i18n.js";
import type { Room } from "../../state/room.js";
import {
  ClockIcon,
  FullscreenIcon,
  GearIcon,
  KeyboardIcon,
  LinkIcon,
  MoreDotsIcon,
  PeopleIcon,
} from "../../ui/icons.js";
import { LanguageSelect } from "../../ui/language-select.js";
import { AdaptationScope } from "../adaptation/adaptation-controller.js";
import { LastNSetting } from "../adaptation/adaptation-ui.js";
import { DataSaverSwitch } from "../data-saver/data-saver-switch.js";
import { InstallMenuItem } from "../install/install-ui.js";
import { QUALITIES, type Quality } from "../quality/quality.js";
import { QualityScope } from "../quality/quality-controller.js";
import { QualityHint } from "../quality/quality-hint.js";
import { RecordingMenuItem } from "../recording/recording-ui.js";
import { type MeetingDialog, MoreMenuScope } from "./more-menu-state.js";
import { useMeetingShortcuts } from "./use-shortcuts.js";
import "./more-menu.css";

const QUALITY_LABEL: Record<Quality, { label: MessageKey; hint: MessageKey }> = {
  high: { label: "quality.high", hint: "quality.highHint" },
  standard: { label: "quality.standard", hint: "quality.standardHint" },
  low: { label: "quality.low", hint: "quality.lowHint" },
  "audio-only": { label: "quality.audioOnly", hint: "quality.audioOnlyHint" },
};

/** Full screen exists here (not on an iPhone's Safari, for one). */
function canFullscreen(): boolean {
  return (
    typeof document.documentElement.requestFullscreen === "function" && document.fullscreenEnabled !== false
  );
}

function useFullscreen(): boolean {
  const on = useSignal(document.fullscreenElement != null);
  useEffect(() => {
    const update = () => {
      on.value = document.fullscreenElement != null;
    };
    document.addEventListener("fullscreenchange", update);
    return () => document.removeEventListener("fullscreenchange", update);
  }, []);
  return on.value;
}

export function MoreMenu({ room }: { room: Room }) {
  const open = useSignal(false);
  const menu = MoreMenuScope.use();
  const { dialog } = menu;
  const adapt = AdaptationScope.use();
  const said = useSignal<{ text: string; seq: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLFieldSetElement>(null);
  const quality = QualityScope.use();
  const fullscreen = useFullscreen();
  const chosen = quality.quality.value;

  const openHelp = useCallback(() => {
    open.value = false;
    dialog.value = "shortcuts";
  }, [dialog]);
  const onToggled = useCallback((kind: "audio" | "video", on: boolean) => {
    const key: MessageKey =
      kind === "audio" ? (on ? "more.micOn" : "more.micOff") : on ? "more.cameraOn" : "more.cameraOff";
    said.value = { text: t(key), seq: (said.peek()?.seq ?? 0) + 1 };
  }, []);
  useMeetingShortcuts(room, openHelp, onToggled);
  useEffect(() => {
    menu.button = button.current;
    return () => {
      if (menu.button === button.current) menu.button = null;
    };
  }, [menu]);

  useEffect(() => {
    if (!open.value) return;
    panel.current?.querySelector<HTMLElement>("button, select")?.focus();
    const outside = (ev: PointerEvent) => {
      const target = ev.target as Node | null;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) open.value = false;
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open.value]);

  const close = () => {
    open.value = false;
    button.current?.focus();
  };
  const openDialog = (which: MeetingDialog) => {
    open.value = false;
    dialog.value = which;
  };
  const toggleFullscreen = () => {
    open.value = false;
    const done = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    done.catch((err: unknown) => console.warn("palabre: full screen refused", err));
    button.current?.focus();
  };

  const onPanelKey = (ev: KeyboardEvent) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation(); // one press closes one thing
      close();
    }
  };
  const onQualityKey = (ev: KeyboardEvent) => {
    const step =
      ev.key === "ArrowDown" || ev.key === "ArrowRight"
        ? 1
        : ev.key === "ArrowUp" || ev.key === "ArrowLeft"
          ? -1
          : 0;
    if (step === 0) return;
    ev.preventDefault();
    const radios = [...(panel.current?.querySelectorAll<HTMLElement>("[role=radio]") ?? [])];
    const at = radios.indexOf(document.activeElement as HTMLElement);
    radios[(at + step + radios.length) % radios.length]?.focus();
  };

  return (
    <div class="more-menu">
      <button
        ref={button}
        type="button"
        class={`round-button ${open.value ? "is-active" : ""}`}
        data-testid="more-menu"
        aria-expanded={open.value ? "true" : "false"}
        aria-controls={open.value ? "more-menu-panel" : undefined}
        aria-label={t("more.label")}
        title={t("more.label")}
        onClick={() => {
          open.value = !open.value;
        }}
      >
        <MoreDotsIcon />
      </button>
      {open.value && (
        <fieldset
          ref={panel}
          id="more-menu-panel"
          class="more-panel"
          data-testid="more-menu-panel"
          onKeyDown={onPanelKey}
        >
          <legend class="visually-hidden">{t("more.label")}</legend>
          <button
            type="button"
            class="more-item"
            data-testid="open-invite"
            onClick={() => openDialog("invite")}
          >
            <LinkIcon />
            {t("invite.open")}
          </button>
          <button
            type="button"
            class="more-item"
            data-testid="open-breakouts"
            onClick={() => openDialog("breakouts")}
          >
            <PeopleIcon />
            {t("breakout.open")}
          </button>
          {room.state.local.value?.info?.role === "moderator" && (
            <button
              type="button"
              class="more-item"
              data-testid="open-speaker-stats"
              onClick={() => openDialog("speakerStats")}
            >
              <ClockIcon />
              {t("speakerStats.open")}
            </button>
          )}
          <RecordingMenuItem
            onPicked={() => {
              open.value = false;
            }}
          />
          <button
            type="button"
            class="more-item"
            data-testid="open-settings"
            onClick={() => openDialog("settings")}
          >
            <GearIcon />
            {t("more.settings")}
          </button>
          <div
            class="more-quality"
            role="radiogroup"
            aria-labelledby="more-quality-title"
            onKeyDown={onQualityKey}
          >
            <p id="more-quality-title" class="more-heading">
              {t("quality.title")}
            </p>
            {QUALITIES.map((q) => (
              // A button with role=radio rather than <input type=radio>: the whole row, with its hint, is the
              // target, and aria-checked is what the tests and assistive technologies read.
              // biome-ignore lint/a11y/useSemanticElements: see above
              <button
                key={q}
                type="button"
                role="radio"
                class="more-item more-radio"
                data-testid={`quality-${q}`}
                aria-checked={q === chosen ? "true" : "false"}
                aria-labelledby={`more-quality-${q}-label`}
                aria-describedby={`more-quality-${q}-hint`}
                tabIndex={q === chosen ? 0 : -1}
                onClick={() => void quality.set(q)}
              >
                <span class="more-radio-mark" aria-hidden="true" />
                <span class="more-radio-text">
                  <span id={`more-quality-${q}-label`}>{t(QUALITY_LABEL[q].label)}</span>
                  <span id={`more-quality-${q}-hint`} class="more-hint">
                    {t(QUALITY_LABEL[q].hint)}
                  </span>
                </span>
              </button>
            ))}
          </div>
          <DataSaverSwitch />
          <LastNSetting adapt={adapt} />
          {canFullscreen() && (
            <button type="button" class="more-item" data-testid="fullscreen" onClick={toggleFullscreen}>
              <FullscreenIcon exit={fullscreen} />
              {t(fullscreen ? "more.exitFullscreen" : "more.fullscreen")}
            </button>
          )}
          <button
            type="button"
            class="more-item"
            data-testid="open-shortcuts"
            aria-keyshortcuts="?"
            onClick={() => openDialog("shortcuts")}
          >
            <KeyboardIcon />
            {t("more.shortcuts")}
          </button>
          <InstallMenuItem
            onPicked={() => {
              open.value = false;
            }}
          />
          <div class="more-language">
            <LanguageSelect />
          </div>
        </fieldset>
      )}
      <QualityHint quality={quality} hidden={open.value} />
      <p class="visually-hidden" aria-live="polite">
        {said.value ? <span key={said.value.seq}>{said.value.text}</span> : null}
      </p>
    </div>
  );
}
