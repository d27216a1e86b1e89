/** Chaînes françaises pour les téléphones et tablettes (features/switch-camera, wake-lock, background) ; fr.ts les reprend. */
import type { enDevice } from "./en-device.js";

export const frDevice: Record<keyof typeof enDevice, string> = {
  "device.switchCamera": "Changer de caméra",
  "device.switchCameraHint": "Passer à l'autre caméra (avant ou arrière)",
  "device.awayNotice":
    "Vous étiez ailleurs pendant {seconds} s : la vidéo était en pause, le son a continué.",
  "device.awayCameraBack": "Votre caméra a été rallumée.",
  "device.awayDismiss": "Fermer",
};
