/**
 * The pre-join screen's device choice: microphone, camera and, where the browser can send sound to a chosen
 * output, speakers, with a test sound. A choice switches the preview and the meter at once (the same
 * DeviceSettings as the meeting's settings, features/settings), is what the meeting then sends, and is
 * remembered in this browser.
 */
import { t } from "../../i18n/i18n.js";
import { audioOutputId, canChooseOutput } from "../../ui/audio-output.js";
import { DeviceSelect, type DeviceSelectProps } from "../settings/device-select.js";
import type { DeviceSettings } from "../settings/device-settings.js";
import { NoiseToggle } from "../settings/noise-toggle.js";
import { SpeakerTest } from "./speaker-test.js";

interface Props {
  settings: DeviceSettings;
  /** False until the devices were first opened: before that the browser does not name them. */
  ready: boolean;
}

export function DevicePickers({ settings, ready }: Props) {
  const busy = settings.busy.value;
  const problem = settings.problem.value;
  const speakers = settings.speakers.value;
  const outputChoosable = canChooseOutput() && speakers.length > 0;

  return (
    <fieldset class="prejoin-devices" data-testid="prejoin-devices" aria-describedby="prejoin-devices-note">
      <legend class="visually-hidden">{t("prejoin.devices")}</legend>
      <Picker
        id="prejoin-microphone"
        testId="prejoin-select-microphone"
        ready={ready}
        label={t("settings.microphone")}
        options={settings.microphones.value}
        value={settings.current("audio")}
        unnamed="settings.unnamedMicrophone"
        busy={busy === "audio"}
        onChange={(id) => void settings.choose("audio", id)}
      />
      <Picker
        id="prejoin-camera-device"
        testId="prejoin-select-camera"
        ready={ready}
        label={t("settings.camera")}
        options={settings.cameras.value}
        value={settings.current("video")}
        unnamed="settings.unnamedCamera"
        busy={busy === "video"}
        onChange={(id) => void settings.choose("video", id)}
      />
      {outputChoosable ? (
        <Picker
          id="prejoin-speaker"
          testId="prejoin-select-speaker"
          ready={ready}
          label={t("settings.speaker")}
          options={speakers}
          value={settings.currentSpeaker()}
          unnamed="settings.unnamedSpeaker"
          busy={false}
          onChange={(id) => settings.chooseSpeaker(id)}
          narrow
        />
      ) : (
        // The output cannot be chosen here (most browsers but Chromium's): the test still plays on the system's.
        <>
          <span class="prejoin-device-label">{t("settings.speaker")}</span>
          <span class="hint prejoin-device-fixed">{t("settings.systemDefault")}</span>
        </>
      )}
      <SpeakerTest outputId={audioOutputId.value} />
      <NoiseToggle settings={settings} id="prejoin-noise-model" class="prejoin-devices-note" />
      <p id="prejoin-devices-note" class="hint prejoin-devices-note">
        {t("prejoin.devicesRemembered")}
      </p>
      <p class="visually-hidden" role="status">
        {busy ? t(busy === "audio" ? "settings.switchingMic" : "settings.switchingCamera") : ""}
      </p>
      {problem && (
        <p class="field-error prejoin-devices-note" role="alert" data-testid="prejoin-device-problem">
          {t(problem)}
        </p>
      )}
    </fieldset>
  );
}

/** A device select laid out in the pre-join grid; `narrow` leaves the row's last column to a button. */
function Picker({ narrow = false, ...props }: DeviceSelectProps & { ready: boolean; narrow?: boolean }) {
  return (
    <DeviceSelect
      {...props}
      labelClass="prejoin-device-label"
      selectClass={narrow ? "" : "prejoin-device-wide"}
    />
  );
}
