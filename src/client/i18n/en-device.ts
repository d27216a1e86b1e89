/** English strings for phones and tablets (features/switch-camera, wake-lock, background); en.ts takes them in. */
export const enDevice = {
  "device.switchCamera": "Switch camera",
  "device.switchCameraHint": "Use the next camera (front or back)",
  "device.awayNotice": "You were away for {seconds} s: video was paused, sound kept going.",
  "device.awayCameraBack": "Your camera was turned back on.",
  "device.awayDismiss": "Dismiss",
};
