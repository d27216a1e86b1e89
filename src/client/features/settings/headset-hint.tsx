/**
 * The seed's tip against echo: with the sound on speakers, suggest a headset (or turning the speakers down).
 * Shown when the output is not known to be a headset; nothing when it is.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { t } from "../../i18n/i18n.js";
import { audioOutputId } from "../../ui/audio-output.js";
import { headsetHintNeeded, outputLabel } from "../audio-help/headset.js";
import "./device-help.css";

/** `microphone`: the open microphone's label (a headset's microphone says a headset is there). */
export function HeadsetHint({ microphone }: { microphone: string }) {
  const devices = useSignal<readonly MediaDeviceInfo[] | null>(null);

  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) {
      devices.value = [];
      return;
    }
    let gone = false;
    const load = () => {
      media
        .enumerateDevices()
        .then((list) => {
          if (!gone) devices.value = list;
        })
        .catch(() => {
          if (!gone) devices.value = [];
        });
    };
    load();
    media.addEventListener?.("devicechange", load);
    return () => {
      gone = true;
      media.removeEventListener?.("devicechange", load);
    };
  }, [microphone]);

  const list = devices.value;
  if (list === null || !headsetHintNeeded(outputLabel(list, audioOutputId.value), microphone)) return null;
  return (
    <p class="help-hint" data-testid="headset-hint">
      {t("prejoin.helpHeadset")}
    </p>
  );
}
